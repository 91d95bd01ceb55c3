package k8s

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var hostPathRule = finding.Rule{
	ID:       "k8s-host-path",
	Title:    "Pod mounts a directory of the node (hostPath)",
	Layer:    finding.Cluster,
	Severity: finding.Critical,
	Description: "A hostPath volume exposes the node's file system to the pod. The finding is critical " +
		"for paths that hand over the node outright (/, /etc, /proc, /var/lib/kubelet, the container " +
		"runtime's socket, or a directory holding them) and high otherwise. Pod Security Standards " +
		"Baseline forbids hostPath volumes.",
	Remediation: "Replace the hostPath volume with a persistentVolumeClaim, configMap, secret or emptyDir volume; if the node's files are truly needed, mount the narrowest path readOnly.",
	References:  []string{"PSS-Baseline", "CIS-K8s-5.2.12", "CWE-668"},
}

// nodeTakeoverPaths give control of the node when mounted, or when a directory holding them is:
// its configuration, its processes and devices, or a container runtime's socket that starts
// privileged containers on request.
var nodeTakeoverPaths = []string{
	"/etc", "/proc", "/sys", "/dev", "/root", "/boot",
	"/var/run/docker.sock", "/run/docker.sock",
	"/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
	"/var/run/crio/crio.sock", "/run/crio/crio.sock",
}

// nodeTakeoverTrees are dangerous down to every file below them, unlike /etc, whose
// subdirectories (/etc/ssl/certs) are often mounted harmlessly.
var nodeTakeoverTrees = []string{
	"/proc", "/root", "/etc/kubernetes", "/var/lib/kubelet", "/var/lib/etcd",
	"/var/lib/docker", "/var/lib/containerd",
}

func checkHostPath(r *reporter, o *object) {
	if o.pod == nil {
		return
	}
	for _, v := range yamldoc.Items(yamldoc.Value(o.pod.spec, "volumes")) {
		p := yamldoc.Value(yamldoc.Value(v, "hostPath"), "path")
		dir, ok := yamldoc.String(p)
		if !ok || isTemplated(dir) || !isAbsoluteHostPath(dir) {
			continue // a placeholder (__CNI_DIR__) that a script fills in later
		}
		name, _ := yamldoc.String(yamldoc.Value(v, "name"))
		msg := fmt.Sprintf("%s mounts the node's %s through hostPath volume %q", o, dir, name)
		severity := finding.High
		if takesOverNode(dir) {
			severity = finding.Critical
			msg += ", which gives control of the node"
		}
		if f := r.report(&hostPathRule, o, p, msg); f != nil {
			f.Severity = severity
		}
	}
}

var windowsDrivePath = regexp.MustCompile(`^[A-Za-z]:[\\/]`)

func isAbsoluteHostPath(dir string) bool {
	return strings.HasPrefix(dir, "/") || windowsDrivePath.MatchString(dir)
}

// takesOverNode reports a path that is one of nodeTakeoverPaths or holds one, or lies in one of
// nodeTakeoverTrees.
func takesOverNode(dir string) bool {
	dir = path.Clean("/" + dir)
	if dir == "/" {
		return true
	}
	for _, p := range nodeTakeoverPaths {
		if dir == p || strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	for _, p := range nodeTakeoverTrees {
		if dir == p || strings.HasPrefix(dir, p+"/") {
			return true
		}
	}
	return false
}
