package iac

import "github.com/fourcsec/fourc/shared/finding"

var lbHTTPListener = &check{
	rule: awsRule(finding.Rule{
		ID:          "aws-lb-http-listener",
		Title:       "Load balancer listener serves plain HTTP",
		Severity:    finding.Medium,
		Description: "A load balancer listener uses protocol HTTP and its default action does not redirect to HTTPS, so requests, cookies and credentials travel in clear text and can be read or altered on the way. A Terraform listener without protocol or certificate on an application load balancer of the same module uses HTTP, the default, and is reported too.",
		Remediation: "Serve HTTPS with an ACM certificate, and make the HTTP listener's default action a redirect with protocol HTTPS and status HTTP_301.",
		References:  []string{"AWS-FSBP-ELB.1", "CWE-319"},
	}),
	types: []string{lbListener},
	run: func(rp *reporter, r *Resource) {
		protocol := r.Attr("protocol")
		report := protocol
		if protocol == nil {
			protocol = r.Attr("default_protocol")
		}
		if !protocol.StringIs("HTTP") {
			return // HTTPS, TCP, TLS, unset on a load balancer we cannot see, or unknown
		}
		actions, known := r.Attr("default_action").Items()
		if !known {
			return
		}
		for _, a := range actions {
			if a.Kind != Map {
				return // an action we cannot read may be the redirect
			}
			if a.Field("type").StringIs("redirect") && a.Field("redirect_protocol").StringIs("HTTPS") {
				return
			}
			if a.Field("type").IsUnknown() || a.Field("redirect_protocol").IsUnknown() {
				return
			}
		}
		msg := "listener " + where(r) + " serves plain HTTP without redirecting to HTTPS"
		if report == nil {
			msg += " (HTTP is the default protocol of an application load balancer)"
		}
		rp.report(report, "protocol", msg, nil)
	},
}
