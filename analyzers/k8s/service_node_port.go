package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var serviceNodePortRule = finding.Rule{
	ID:       "k8s-service-node-port",
	Title:    "Service exposed on every node (NodePort)",
	Layer:    finding.Cluster,
	Severity: finding.Low,
	Description: "A NodePort Service opens its port on every node's address, reachable by anything " +
		"that can reach a node, whatever the Service is for.",
	Remediation: "Use a ClusterIP Service behind an Ingress or an internal load balancer, or restrict access to the node ports with firewall rules.",
	References:  []string{"CWE-668"},
}

func checkServiceNodePort(r *reporter, o *object) {
	if !o.is(coreGroup, "Service") {
		return
	}
	t := yamldoc.Path(o.root, "spec", "type")
	if s, _ := yamldoc.String(t); s == "NodePort" {
		r.report(&serviceNodePortRule, o, t, o.String()+" is of type NodePort and listens on every node")
	}
}
