package iac

import (
	"strings"

	"github.com/fourcsec/fourc/shared/finding"
)

// auditLogTypes are the control-plane logs an investigation needs: who called the API
// (audit), what it did (api), and how they authenticated (authenticator).
var auditLogTypes = []string{"api", "audit", "authenticator"}

var eksControlPlaneLogging = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-eks-control-plane-logging",
		Title:       "EKS control-plane audit logging is incomplete",
		Severity:    finding.Medium,
		Description: "enabled_cluster_log_types (Logging.ClusterLogging.EnabledTypes) does not include api, audit and authenticator. Without them there is no record of who did what to the cluster, and an incident cannot be investigated.",
		Remediation: "Set enabled_cluster_log_types to at least [\"api\", \"audit\", \"authenticator\"].",
		References:  []string{"AWS-FSBP-EKS.8", "CWE-778"},
	}),
	types: []string{eksCluster},
	run: func(rp *reporter, r *Resource) {
		if r.Attrs.Kind != Map {
			return
		}
		types := r.Attr("enabled_cluster_log_types")
		items, known := types.Items()
		if !known {
			return
		}
		enabled := map[string]bool{}
		for _, t := range items {
			s, ok := t.AsString()
			if !ok {
				return // an unknown entry could be any of them
			}
			enabled[strings.ToLower(strings.TrimSpace(s))] = true
		}
		var missing []string
		for _, t := range auditLogTypes {
			if !enabled[t] {
				missing = append(missing, t)
			}
		}
		if len(missing) == 0 {
			return
		}
		msg := "EKS cluster " + where(r) + " does not log " + strings.Join(missing, ", ")
		if types == nil {
			msg = "EKS cluster " + where(r) + " has no control-plane logging (enabled_cluster_log_types is unset)"
		}
		rp.report(types, "logging", msg, nil)
	},
}
