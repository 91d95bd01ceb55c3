package k8s

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourcsec/fourc/analyzers/internal/yamldoc"
	"github.com/fourcsec/fourc/shared/finding"
)

var serviceLoadBalancerRule = finding.Rule{
	ID:       "k8s-service-load-balancer-open",
	Title:    "LoadBalancer Service open to any address",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "A LoadBalancer Service without loadBalancerSourceRanges (or with 0.0.0.0/0) gets a " +
		"load balancer reachable from anywhere the cloud routes to, usually the internet. Services " +
		"annotated as internal load balancers are not reported.",
	Remediation: "Set spec.loadBalancerSourceRanges to the networks that need access, or annotate the Service as an internal load balancer.",
	References:  []string{"CWE-668"},
}

// internalLoadBalancerAnnotations make a cloud's load balancer private to the VPC.
var internalLoadBalancerAnnotations = map[string]string{
	"service.beta.kubernetes.io/aws-load-balancer-internal":              "",
	"service.beta.kubernetes.io/aws-load-balancer-scheme":                "internal",
	"service.beta.kubernetes.io/azure-load-balancer-internal":            "true",
	"networking.gke.io/load-balancer-type":                               "internal",
	"cloud.google.com/load-balancer-type":                                "internal",
	"service.beta.kubernetes.io/oci-load-balancer-internal":              "true",
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type":     "private",
	"service.beta.kubernetes.io/openstack-internal-load-balancer":        "true",
	"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet",
}

const sourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges"

func checkServiceLoadBalancer(r *reporter, o *object) {
	if !o.is(coreGroup, "Service") {
		return
	}
	t := yamldoc.Path(o.root, "spec", "type")
	if s, _ := yamldoc.String(t); s != "LoadBalancer" {
		return
	}
	annotations := yamldoc.Path(o.root, "metadata", "annotations")
	for name, want := range internalLoadBalancerAnnotations {
		v, ok := yamldoc.String(yamldoc.Value(annotations, name))
		if ok && (want == "" && v != "false" || strings.EqualFold(v, want)) {
			return
		}
	}
	ranges := yamldoc.Items(yamldoc.Path(o.root, "spec", "loadBalancerSourceRanges"))
	if len(ranges) == 0 {
		if v, _ := yamldoc.String(yamldoc.Value(annotations, sourceRangesAnnotation)); v != "" {
			if !strings.Contains(v, "0.0.0.0/0") && !strings.Contains(v, "::/0") {
				return
			}
			r.report(&serviceLoadBalancerRule, o, yamldoc.Value(annotations, sourceRangesAnnotation), o.String()+" allows any address through its source-ranges annotation")
			return
		}
		r.report(&serviceLoadBalancerRule, o, t, o.String()+" is a LoadBalancer without loadBalancerSourceRanges, reachable from any address")
		return
	}
	for _, n := range ranges {
		if openToAll(n) {
			r.report(&serviceLoadBalancerRule, o, n, o.String()+" allows any address in loadBalancerSourceRanges")
		}
	}
}

func openToAll(n *yaml.Node) bool {
	s, _ := yamldoc.String(n)
	s = strings.TrimSpace(s)
	return s == "0.0.0.0/0" || s == "::/0"
}
