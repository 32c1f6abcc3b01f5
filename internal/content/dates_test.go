package content

import (
	"testing"
	"time"
)

// TestDateForms: each form another generator writes reads as the one day
// it names (an oracle per form, not just "no error").
func TestDateForms(t *testing.T) {
	for in, want := range map[string]string{
		"Jul 08 2022":        "2022-07-08T00:00:00Z", // Astro's blog template
		"Jul 8 2022":         "2022-07-08T00:00:00Z",
		"September 3 2021":   "2021-09-03T00:00:00Z",
		"2013/7/13 20:46:25": "2013-07-13T20:46:25Z", // Hexo
		"2013/07/13 20:46":   "2013-07-13T20:46:00Z",
		"2013/7/3":           "2013-07-03T00:00:00Z",
		"2014-6-4 9:05:00":   "2014-06-04T09:05:00Z",
		"2020-01-02":         "2020-01-02T00:00:00Z", // the forms before stay
		"02 Jan 2020":        "2020-01-02T00:00:00Z",
	} {
		c := &checker{}
		got := c.date(map[string]any{"date": in}, "date", true)
		if len(c.out) > 0 || got.Format(time.RFC3339) != want {
			t.Errorf("date %q = %s (problems %v), want %s", in, got.Format(time.RFC3339), c.out, want)
		}
	}
}
