package syncer

import "time"

// SetNow replaces the expiry clock for a test and returns the restore func.
func SetNow(f func() time.Time) (restore func()) {
	old := now
	now = f
	return func() { now = old }
}
