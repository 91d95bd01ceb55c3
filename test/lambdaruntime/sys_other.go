//go:build !linux

package lambdaruntime

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
