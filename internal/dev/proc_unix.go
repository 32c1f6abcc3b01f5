//go:build unix

package dev

import (
	"os/exec"
	"syscall"
)

// ownGroup puts the dev server in its own process group: Ctrl-C reaches
// axctl alone, which stops the server in order (workerd disposed first).
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// killGroup kills the server and what it started (workerd).
func killGroup(cmd *exec.Cmd) { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
