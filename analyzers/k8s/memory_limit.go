package k8s

import "github.com/fourcsec/fourc/shared/finding"

var memoryLimitRule = finding.Rule{
	ID:       "k8s-no-memory-limit",
	Title:    "Container has no memory limit",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "A container without resources.limits.memory can use all the node's memory, " +
		"starving or evicting every other pod on it: one compromised or leaking workload takes " +
		"its neighbours down. Findings are withheld when a LimitRange among the scanned files " +
		"gives the namespace a default memory limit (for manifests that name no namespace, a " +
		"LimitRange in the same directory).",
	Remediation: "Set resources.limits.memory on the container, or a default in a LimitRange for its namespace.",
	References:  []string{"CWE-770"},
}

func newMemoryLimitScope() scope { return newLimitScope(&memoryLimitRule, "memory") }
