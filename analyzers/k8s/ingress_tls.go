package k8s

import (
	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var ingressTLSRule = finding.Rule{
	ID:       "k8s-ingress-no-tls",
	Title:    "Ingress without TLS",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "An Ingress without a tls section serves its hosts over plain HTTP: credentials " +
		"and session cookies cross the network readable and alterable. Ingresses whose " +
		"annotations terminate TLS at a cloud load balancer (a certificate ARN, a managed or " +
		"pre-shared certificate) are not reported.",
	Remediation: "Add a spec.tls entry with the hosts and a certificate Secret (cert-manager can issue one), or terminate TLS at the load balancer.",
	References:  []string{"CWE-319"},
}

// loadBalancerTLSAnnotations terminate TLS in front of the Ingress, outside its tls section.
var loadBalancerTLSAnnotations = []string{
	"alb.ingress.kubernetes.io/certificate-arn",
	"networking.gke.io/managed-certificates",
	"ingress.gcp.kubernetes.io/pre-shared-cert",
	"service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
	"appgw.ingress.kubernetes.io/appgw-ssl-certificate",
}

func checkIngressTLS(r *reporter, o *object) {
	if o.kind != "Ingress" || (o.group() != "networking.k8s.io" && o.group() != "extensions") {
		return
	}
	annotations := yamldoc.Path(o.root, "metadata", "annotations")
	for _, a := range loadBalancerTLSAnnotations {
		if yamldoc.Value(annotations, a) != nil {
			return
		}
	}
	specKey, spec := yamldoc.Get(o.root, "spec")
	if len(yamldoc.Items(yamldoc.Value(spec, "tls"))) > 0 {
		return
	}
	at := specKey
	if at == nil {
		at = o.kindNode
	}
	r.report(&ingressTLSRule, o, at, o.String()+" has no tls section and serves its hosts over plain HTTP")
}
