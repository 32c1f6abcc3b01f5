package content

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// SVG is refused, not rewritten, when it holds anything that can run script
// or load another document: a browser that opens /assets/<hash>.svg runs its
// script on the site's origin. The check is an allowlist: SVG-namespace
// elements that draw, plus the inert metadata namespaces editors write.
const (
	nsSVG   = "http://www.w3.org/2000/svg"
	nsXLink = "http://www.w3.org/1999/xlink"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
)

// inertNS are editor metadata namespaces browsers give no behaviour to.
var inertNS = map[string]bool{
	"http://www.inkscape.org/namespaces/inkscape":            true,
	"http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd":     true,
	"http://www.w3.org/1999/02/22-rdf-syntax-ns#":            true,
	"http://purl.org/dc/elements/1.1/":                       true,
	"http://creativecommons.org/ns#":                         true,
	"http://web.resource.org/cc/":                            true,
	"http://ns.adobe.com/AdobeIllustrator/10.0/":             true,
	"http://ns.adobe.com/Extensibility/1.0/":                 true,
	"http://ns.adobe.com/SaveForWeb/1.0/":                    true,
	"http://www.bohemiancoding.com/sketch/ns":                true,
	"https://boxy-svg.com":                                   true,
	"http://www.serif.com/":                                  true,
	"http://schemas.microsoft.com/visio/2003/SVGExtensions/": true,
}

// svgElements are the SVG elements an asset may use. Not here, so refused:
// script, foreignObject, iframe, embed, object, handler, listener, and
// anything unknown.
var svgElements = setOf(
	"svg", "g", "defs", "desc", "title", "metadata", "symbol", "use", "image", "switch", "a", "view", "style",
	"path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
	"text", "tspan", "textPath",
	"linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
	"filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
	"feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
	"feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology",
	"feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
	"animate", "animateMotion", "animateTransform", "set", "mpath",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// checkSVG parses r as XML and returns the first active construct it holds.
func checkSVG(r io.Reader) error {
	d := xml.NewDecoder(bufio.NewReader(r))
	d.Strict = true // undefined entities are errors; only the five predefined and numeric ones expand
	line := func() int { l, _ := d.InputPos(); return l }
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("is an SVG with active content (line %d of the SVG): %s", line(), fmt.Sprintf(format, args...))
	}
	var root bool
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if !root {
				return errors.New("is not an SVG: it has no <svg> element")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("is not a well-formed SVG: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return refuse("<!%s…> is not allowed (a DOCTYPE can declare entities)", firstWord(string(t)))
		case xml.ProcInst:
			if t.Target != "xml" {
				return refuse("processing instruction <?%s?> is not allowed", t.Target)
			}
		case xml.StartElement:
			if !root && (t.Name.Space != nsSVG || t.Name.Local != "svg") {
				return refuse("the root element must be <svg xmlns=%q>, not <%s>", nsSVG, t.Name.Local)
			}
			root = true
			if err := checkSVGElement(t); err != nil {
				return refuse("%v", err)
			}
			if t.Name.Space == nsSVG && t.Name.Local == "style" {
				if err := checkStyleText(d); err != nil {
					return refuse("%v", err)
				}
			}
		}
	}
}

// checkSVGElement checks one element's name and attributes.
func checkSVGElement(t xml.StartElement) error {
	switch {
	case t.Name.Space == nsSVG && !svgElements[t.Name.Local]:
		return fmt.Errorf("element <%s> is not allowed", t.Name.Local)
	case t.Name.Space != nsSVG && !inertNS[t.Name.Space]:
		return fmt.Errorf("element <%s> in namespace %q is not allowed (only SVG and editor metadata)", t.Name.Local, t.Name.Space)
	}
	animates := t.Name.Space == nsSVG && (t.Name.Local == "set" || strings.HasPrefix(t.Name.Local, "animate"))
	for _, a := range t.Attr {
		name := a.Name.Local
		if a.Name.Space != "" && a.Name.Space != "xmlns" {
			name = a.Name.Space + ":" + name
		}
		local := strings.ToLower(a.Name.Local)
		switch {
		case a.Name.Space == "xmlns" || a.Name.Space == "" && local == "xmlns":
			// namespace declarations: elements are checked by their namespace
		case a.Name.Space == nsXML && local == "base":
			return fmt.Errorf("<%s> has xml:base, which changes what its links resolve to", t.Name.Local)
		case strings.HasPrefix(local, "on"):
			return fmt.Errorf("<%s> has event handler attribute %s", t.Name.Local, a.Name.Local)
		case local == "href" && (a.Name.Space == "" || a.Name.Space == nsXLink):
			if !safeSVGRef(a.Value) {
				return fmt.Errorf("<%s> links to %q: only same-document fragments (#id) and data:image/png|jpeg|gif|webp URLs are allowed", t.Name.Local, clipValue(a.Value))
			}
		case animates && local == "attributename" && !safeAnimated(a.Value):
			return fmt.Errorf("<%s> animates attribute %q", t.Name.Local, a.Value)
		case a.Name.Space != "" && a.Name.Space != nsXLink && a.Name.Space != nsXML && !inertNS[a.Name.Space]:
			return fmt.Errorf("<%s> has attribute %s from namespace %q", t.Name.Local, a.Name.Local, a.Name.Space)
		case !safeCSS(a.Value):
			return fmt.Errorf("<%s> attribute %s loads or imports a resource (%q): only url(#id) is allowed", t.Name.Local, name, clipValue(a.Value))
		}
	}
	return nil
}

// checkStyleText reads a <style> element's text up to its end.
func checkStyleText(d *xml.Decoder) error {
	var text strings.Builder
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			return fmt.Errorf("<style> holds element <%s>", t.Name.Local)
		case xml.EndElement:
			depth--
		}
	}
	if !safeCSS(text.String()) {
		return fmt.Errorf("<style> loads or imports a resource: only url(#id) is allowed")
	}
	return nil
}

// safeAnimated reports whether an animation may target attribute name: not
// a link, an event handler or a style (which could load a URL).
func safeAnimated(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if _, local, ok := strings.Cut(n, ":"); ok {
		n = local
	}
	return n != "href" && !strings.HasPrefix(n, "on") && n != "style" && n != "values" && n != "attributename"
}

// safeSVGRef reports whether an href may stay: a fragment or an inline
// raster image. The decoder has already expanded character references, and
// browsers drop ASCII tab and newline inside URLs, so both are removed
// before looking at the scheme.
func safeSVGRef(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimSpace(v))
	if strings.HasPrefix(v, "#") {
		return true
	}
	lower := strings.ToLower(v)
	for _, t := range []string{"png", "jpeg", "gif", "webp"} {
		if p := "data:image/" + t; strings.HasPrefix(lower, p) && len(lower) > len(p) && (lower[len(p)] == ';' || lower[len(p)] == ',') {
			return true
		}
	}
	return false
}

// safeCSS reports whether CSS text (a style element or any attribute) can
// load nothing: no @import, no escapes (which could spell either), and
// every url( a fragment.
func safeCSS(s string) bool {
	l := strings.ToLower(s)
	if strings.Contains(l, "@import") || strings.Contains(l, "\\") || strings.Contains(l, "expression(") || strings.Contains(l, "image-set(") {
		return false
	}
	for {
		i := strings.Index(l, "url(")
		if i < 0 {
			return true
		}
		l = strings.TrimLeft(l[i+4:], " \t\r\n\f\"'")
		if !strings.HasPrefix(l, "#") {
			return false
		}
	}
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

func clipValue(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
