package content

import (
	"strings"
	"testing"
)

// TestCheckSVG covers variants beyond the hostile corpus: each "bad" input
// must be refused with the fragment given, each "ok" one pass.
func TestCheckSVG(t *testing.T) {
	const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">`
	for _, tc := range []struct{ svg, want string }{
		{open + `<a href="#x"/></svg>`, ""},
		{open + `<image href="data:image/webp;base64,AAAA"/></svg>`, ""},
		{open + `<rect fill="url(#g)" style="stroke: url( '#h' )"/></svg>`, ""},
		{open + `</svg><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>`, "element <script>"},
		{open + `</svg><h:script xmlns:h="http://www.w3.org/1999/xhtml"/>`, "namespace \"http://www.w3.org/1999/xhtml\""},
		{open + `<a href="JaVaScRiPt:alert(1)"/></svg>`, "links to"},
		{open + `<a href="&#10;javascript:alert(1)"/></svg>`, "links to"},
		{open + `<image href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/></svg>`, "links to"},
		{open + `<image href="data:image/pngx,AAAA"/></svg>`, "links to"},
		{open + `<a href="/assets/x.svg"/></svg>`, "links to"},
		{open + `<a xl:href="javascript:alert(1)" xmlns:xl="http://www.w3.org/1999/xlink"/></svg>`, "links to"},
		{open + `<a xlink2:href="#x"/></svg>`, "from namespace"},
		{open + `<rect style="fill:u\72l(https://e.example)"/></svg>`, "loads or imports"},
		{open + `<rect style="background-image: image-set('x.png' 1x)"/></svg>`, "loads or imports"},
		{open + `<style><![CDATA[@IMPORT "x.css";]]></style></svg>`, "<style> loads or imports"},
		{open + `<style><b/></style></svg>`, "<style> holds element <b>"},
		{open + `<handler/></svg>`, "element <handler>"},
		{open + `<animate attributeName="onbegin"/></svg>`, "animates attribute"},
		{open + `<set attributeName=" style "/></svg>`, "animates attribute"},
		{`<?xml version="1.0" encoding="UTF-16"?>` + open + `</svg>`, "not a well-formed SVG"},
		{`<svg><script/></svg>`, "root element must be"},
		{``, "has no <svg> element"},
		{open + `&xxe;</svg>`, "not a well-formed SVG"},
	} {
		err := checkSVG(strings.NewReader(tc.svg))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.svg, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want %q", tc.svg, err, tc.want)
		}
	}
}
