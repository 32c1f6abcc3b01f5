package deploy

import "fmt"

// printGradual shows the steps of --percent, --promote or --rollback with
// their state, and runs nothing.
func (d *deployment) printGradual() {
	w, g := d.Out, d.state.Gradual
	nv, ov, pct := "<new>", "<old>", 0
	if g != nil {
		nv, pct = g.NewVersion, g.Percent
		if g.OldVersion != "" {
			ov = g.OldVersion
		}
	}
	status := func(step string, redo bool) string {
		if d.state.Done(step) && !redo {
			return "done"
		}
		return "todo"
	}
	wr := func(args []string) string { return d.wrangler + " " + quoteArgs(args) }
	live := fmt.Sprintf("check `%s deployments status --json` is %s", d.wrangler, formatSplit(map[string]int{nv: pct, ov: 100 - pct}))
	fmt.Fprintf(w, "deploy plan for build %s: Worker %q (%s), site %s\n", d.BuildID, d.worker.Name, d.worker.Path, d.SiteURL)
	var lines [][3]string
	switch {
	case d.Promote:
		lines = [][3]string{
			{StepPromote, status(StepPromote, false), live + ", then " + wr(d.versionsDeployArgs(map[string]int{nv: 100}, "axctl deploy "+d.BuildID+" promoted"))},
			{StepVerify, status(StepVerify, false), fmt.Sprintf("poll GET %s until \"build\" is %q", d.versionURL(), d.BuildID)},
			{StepPurge, status(StepPurge, false), d.purgeWhy},
		}
	case d.Rollback:
		lines = [][3]string{{StepRollback, status(StepRollback, false), live + ", then " + wr(d.versionsDeployArgs(map[string]int{ov: 100}, "axctl deploy "+d.BuildID+" rolled back"))}}
	default:
		lines = [][3]string{
			{StepBuild, status(StepBuild, false), wr(d.buildArgs())},
			{StepUpload, status(StepUpload, false), wr(d.uploadArgs()) + " (records the new version id)"},
			{StepStage, status(StepStage, false), "check the live deployment is one version at 100%, then " + wr(d.versionsDeployArgs(map[string]int{nv: 0, ov: 100}, "axctl deploy "+d.BuildID+" staged at 0%"))},
			{StepCanary, status(StepCanary, false), fmt.Sprintf("poll GET %s with %s: %s until \"build\" is %q", d.versionURL(), OverrideHeader, d.overrideValue(nv), d.BuildID)},
			{StepSplit, status(StepSplit, g != nil && g.Percent != d.Percent), live + ", then " + wr(d.versionsDeployArgs(map[string]int{nv: d.Percent, ov: 100 - d.Percent}, fmt.Sprintf("axctl deploy %s at %d%%", d.BuildID, d.Percent)))},
		}
	}
	for i, l := range lines {
		fmt.Fprintf(w, "  %d. %-8s %-4s  %s\n", i+1, l[0], l[1], l[2])
	}
	fmt.Fprintf(w, "state: %s (dry run: nothing was run or written)\n", d.state.Path())
}
