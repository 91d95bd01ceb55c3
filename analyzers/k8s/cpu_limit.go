package k8s

import "github.com/fourcsec/fourc/shared/finding"

var cpuLimitRule = finding.Rule{
	ID:       "k8s-no-cpu-limit",
	Title:    "Container has no CPU limit",
	Layer:    finding.Cluster,
	Severity: finding.Low,
	Description: "A container without resources.limits.cpu can use every core of its node, slowing " +
		"its neighbours. CPU is throttled rather than exhausted, so the risk is lower than for " +
		"memory. Findings are withheld when a LimitRange among the scanned files " +
		"gives the namespace a default CPU limit (for manifests that name no namespace, a " +
		"LimitRange in the same directory).",
	Remediation: "Set resources.limits.cpu on the container, or a default in a LimitRange for its namespace.",
	References:  []string{"CWE-770"},
}

func newCPULimitScope() scope { return newLimitScope(&cpuLimitRule, "cpu") }
