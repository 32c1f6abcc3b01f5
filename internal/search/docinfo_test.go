package search

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestDocInfoIsJSON checks the one-buffer result data against what
// json.Marshal gives for the five strings, with the snippet and with "".
func TestDocInfoIsJSON(t *testing.T) {
	hostile := []string{"", "plain", `q"uo\te`, "<a&b>", "tab\there\nnl", "\u2028\u2029", "東京", "\x7f\x00", "é\u0301"}
	for i, a := range hostile {
		for j, snippet := range hostile {
			c, s, title, day := a, hostile[(i+j)%len(hostile)], hostile[(i+2*j)%len(hostile)], "2024-01-02"
			d, err := newDocInfo(c, s, title, day, snippet)
			if err != nil {
				t.Fatal(err)
			}
			for _, with := range []bool{false, true} {
				want, _ := json.Marshal([]string{c, s, title, day, map[bool]string{true: snippet}[with]})
				var b bytes.Buffer
				d.write(&b, with)
				if b.String() != string(want) {
					t.Errorf("snippet %v: got %s, want %s", with, b.Bytes(), want)
				}
			}
		}
	}
}
