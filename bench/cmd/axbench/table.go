package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// row is one line of the result table.
type row struct{ area, measure, result, goal, verdict string }

// print writes the machine description and the one table.
func (b *bench) print(w io.Writer, total time.Duration) {
	fmt.Fprintf(w, "Machine: %s · %d cores (nproc) · %s · %s · %s/%s · axbench %s (%d runs, medians) · total %s\n\n",
		cpuModel(), nproc(), memTotal(), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		time.Now().UTC().Format("2006-01-02"), b.cfg.Runs, total.Round(time.Second))
	fmt.Fprintf(w, "Peers: %s · MinIO %s · corpus seed %d\n\n", hugoVersion(b.cfg.Hugo), minioVersion(b.cfg.Minio), b.cfg.Seed)
	fmt.Fprintln(w, "| area | measure | result | goal | verdict |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range b.rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.area, r.measure, r.result, r.goal, r.verdict)
	}
	if len(b.notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range b.notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "? RAM"
	}
	var kb int64
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:")), "%d", &kb)
		}
	}
	return fmt.Sprintf("%.0f GiB RAM", float64(kb)/(1<<20))
}

func hugoVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "hugo: not installed"
	}
	f := strings.Fields(string(out))
	if len(f) >= 2 {
		return "Hugo " + strings.SplitN(f[1], "+", 2)[0] + " " + strings.Join(tagsOf(string(out)), "")
	}
	return strings.TrimSpace(string(out))
}

func tagsOf(s string) []string {
	if strings.Contains(s, "+withdeploy") || strings.Contains(s, "withdeploy") {
		return []string{"(withdeploy)"}
	}
	return nil
}

func minioVersion(bin string) string {
	b, err := os.ReadFile(bin + ".version")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// Formatting helpers.

func mb(bytes int64) string { return fmt.Sprintf("%.0f MB", float64(bytes)/1e6) }

func secs(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func num(f float64) string {
	s := fmt.Sprintf("%.0f", f)
	// thousands separators
	n := len(s)
	if n <= 3 {
		return s
	}
	var out strings.Builder
	for i, c := range s {
		if i > 0 && (n-i)%3 == 0 {
			out.WriteByte(',')
		}
		out.WriteRune(c)
	}
	return out.String()
}

func ratio(x float64) string { return fmt.Sprintf("%.2f×", x) }

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}
