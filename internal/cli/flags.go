package cli

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/axctl/axctl/internal/syncer"
)

// PlanFlags are the flags of every command that writes through a plan
// (sync, manifest rebuild, pull): which bucket, whether to write at all,
// how many deletes at most, how many requests at once.
type PlanFlags struct {
	Target      string
	DryRun      bool
	MaxDeletes  int
	Concurrency int
}

// addPlanFlags defines --target (described by target), --dry-run,
// --max-deletes and --concurrency on fl.
func addPlanFlags(fl *pflag.FlagSet, p *PlanFlags, target string) {
	fl.StringVar(&p.Target, "target", "", target)
	fl.BoolVar(&p.DryRun, "dry-run", false, "print the plan and write nothing")
	fl.IntVar(&p.MaxDeletes, "max-deletes", -1, "refuse (exit 4) if the plan deletes more objects than this; -1 means no limit")
	fl.IntVar(&p.Concurrency, "concurrency", 16, "requests in flight")
}

// targetUsage is --target's description where it names the bucket written.
const targetUsage = "bucket: file://DIR or s3://BUCKET[/PREFIX] (default from config)"

// LeaseFlags are the flags of every command that writes under the bucket's
// lease (sync, manifest rebuild).
type LeaseFlags struct {
	// Wait bounds the wait for another sync's lease; LeaseTTL is how long
	// this command's lease outlives it if it is killed (0: syncer's default).
	Wait, LeaseTTL time.Duration
}

// addLeaseFlags defines --wait and --lease-ttl on fl; getenv gives
// $AXCTL_LEASE_TTL.
func addLeaseFlags(fl *pflag.FlagSet, l *LeaseFlags, getenv func(string) string) {
	fl.DurationVar(&l.Wait, "wait", 2*time.Minute, "how long to wait while another sync holds the bucket's lease (0: fail at once, exit 3)")
	fl.DurationVar(&l.LeaseTTL, "lease-ttl", leaseTTLDefault(getenv), "how long this command's lease outlives it if it is killed ($AXCTL_LEASE_TTL)")
}

// options are the lease options the flags give; who holds the lease is told
// on io's stderr while this command waits for storage.
func (l LeaseFlags) options(io IO, storage fmt.Stringer) syncer.LeaseOptions {
	return syncer.LeaseOptions{TTL: l.LeaseTTL, Wait: l.Wait, Waiting: func(h syncer.Holder) {
		fmt.Fprintf(io.Err, "waiting for another sync of %s to finish (%s; its lease lasts %s after its last renewal); giving up after %s\n", storage, h, h.TTL, l.Wait)
	}}
}

// leaseTTLDefault is $AXCTL_LEASE_TTL when it is a duration, else the syncer's default.
func leaseTTLDefault(getenv func(string) string) time.Duration {
	if d, err := time.ParseDuration(getenv("AXCTL_LEASE_TTL")); err == nil && d > 0 {
		return d
	}
	return syncer.DefaultLeaseTTL
}
