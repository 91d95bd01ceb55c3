package lambdaruntime

import "syscall"

// sysProcAttr kills the function when the process that started it dies, however it dies.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
