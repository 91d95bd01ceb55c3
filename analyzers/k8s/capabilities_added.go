package k8s

import (
	"fmt"
	"strings"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var capabilitiesAddedRule = finding.Rule{
	ID:       "k8s-capabilities-added",
	Title:    "Container adds Linux capabilities",
	Layer:    finding.Cluster,
	Severity: finding.High,
	Description: "securityContext.capabilities.add grants root powers piecemeal. The finding is high " +
		"for capabilities that amount to root on the node (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, " +
		"SYS_MODULE, ALL…), medium for NET_RAW (packet spoofing) and for capabilities outside the " +
		"container runtime's defaults, low for runtime-default capabilities added back. " +
		"NET_BIND_SERVICE is the one capability Pod Security Standards Restricted allows.",
	Remediation: "Remove the capability from capabilities.add; if the workload truly needs it, isolate it on dedicated nodes.",
	References:  []string{"PSS-Baseline", "PSS-Restricted", "CIS-K8s-5.2.8", "CIS-K8s-5.2.9", "CWE-250"},
}

// nodeRootCapabilities each give a way to take over the node or every container on it.
var nodeRootCapabilities = map[string]bool{
	"ALL": true, "SYS_ADMIN": true, "NET_ADMIN": true, "SYS_PTRACE": true, "SYS_MODULE": true,
	"SYS_RAWIO": true, "SYS_BOOT": true, "SYS_TIME": true, "DAC_READ_SEARCH": true, "BPF": true,
	"PERFMON": true, "MAC_ADMIN": true, "MAC_OVERRIDE": true, "LINUX_IMMUTABLE": true,
	"SYSLOG": true, "SYS_RESOURCE": true, "CHECKPOINT_RESTORE": true, "AUDIT_CONTROL": true,
}

// runtimeDefaultCapabilities are the ones container runtimes grant anyway, and Pod Security
// Standards Baseline allows: adding them back only undoes a drop.
var runtimeDefaultCapabilities = map[string]bool{
	"AUDIT_WRITE": true, "CHOWN": true, "DAC_OVERRIDE": true, "FOWNER": true, "FSETID": true,
	"KILL": true, "MKNOD": true, "SETFCAP": true, "SETGID": true, "SETPCAP": true, "SETUID": true,
	"SYS_CHROOT": true,
}

func checkCapabilitiesAdded(r *reporter, o *object) {
	for _, c := range o.linuxContainers() {
		for _, n := range yamldoc.Items(yamldoc.Value(c.own("capabilities").value, "add")) {
			raw, ok := yamldoc.String(n)
			if !ok || isTemplated(raw) {
				continue
			}
			name := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(raw)), "CAP_")
			var severity finding.Severity
			var why string
			switch {
			case name == "NET_BIND_SERVICE":
				continue
			case nodeRootCapabilities[name]:
				severity, why = finding.High, "which is enough to take over the node"
			case name == "NET_RAW":
				severity, why = finding.Medium, "which allows spoofing packets on the pod network"
			case runtimeDefaultCapabilities[name]:
				severity, why = finding.Low, "which Pod Security Standards Restricted does not allow"
			default:
				severity, why = finding.Medium, "which the container runtime does not grant by default"
			}
			if f := r.report(&capabilitiesAddedRule, o, n, fmt.Sprintf("%s adds capability %s, %s", c, name, why)); f != nil {
				f.Severity = severity
			}
		}
	}
}
