package dynalite

import "syscall"

// sysProcAttr kills dynalite when the test process dies, however it dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
