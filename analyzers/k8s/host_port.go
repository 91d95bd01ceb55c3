package k8s

import (
	"fmt"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var hostPortRule = finding.Rule{
	ID:       "k8s-host-port",
	Title:    "Container binds a port of the node (hostPort)",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "A hostPort publishes the container on the node's own address, outside Services " +
		"and most NetworkPolicy implementations, and limits scheduling to one such pod per node. " +
		"Pod Security Standards Baseline forbids host ports.",
	Remediation: "Remove hostPort and expose the container through a Service.",
	References:  []string{"PSS-Baseline", "CIS-K8s-5.2.13", "CWE-668"},
}

func checkHostPort(r *reporter, o *object) {
	if o.pod == nil {
		return
	}
	if on, _ := yamldoc.Bool(yamldoc.Value(o.pod.spec, "hostNetwork")); on {
		return // every port is a host port then; k8s-host-network says so
	}
	for _, c := range o.pod.containers {
		for _, p := range yamldoc.Items(yamldoc.Value(c.node, "ports")) {
			n := yamldoc.Value(p, "hostPort")
			if port, ok := yamldoc.Int(n); ok && port > 0 {
				r.report(&hostPortRule, o, n, fmt.Sprintf("%s binds port %d of the node (hostPort)", c, port))
			}
		}
	}
}
