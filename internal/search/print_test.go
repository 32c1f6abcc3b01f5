package search

import "unicode"

func isPrint(r rune) bool { return unicode.IsPrint(r) }
