package k8s

import (
	"fmt"
	"regexp"

	"github.com/fourcsec/fourc/shared/finding"
)

var betaAPIRule = finding.Rule{
	ID:       "k8s-beta-api",
	Title:    "Alpha or beta Kubernetes API in use",
	Layer:    finding.Cluster,
	Severity: finding.Low,
	Description: "The object uses an alpha or beta version of a built-in Kubernetes API. Alpha " +
		"features need feature gates, are off by default and may have unreviewed security " +
		"gaps; beta versions are removed a few releases after the stable one ships. API versions " +
		"of custom resources and of configuration files (kubeadm, kubelet, kustomize) are not " +
		"reported.",
	Remediation: "Use the stable (v1) version of the API where one exists, and restrict access to alpha or beta features.",
	References:  []string{"CWE-1104"},
}

// builtinGroups are the API groups kube-apiserver itself serves.
var builtinGroups = map[string]bool{
	"": true, "apps": true, "batch": true, "autoscaling": true, "policy": true, "extensions": true,
	"networking.k8s.io": true, "rbac.authorization.k8s.io": true, "storage.k8s.io": true,
	"admissionregistration.k8s.io": true, "apiextensions.k8s.io": true, "apiregistration.k8s.io": true,
	"scheduling.k8s.io": true, "coordination.k8s.io": true, "node.k8s.io": true,
	"discovery.k8s.io": true, "events.k8s.io": true, "flowcontrol.apiserver.k8s.io": true,
	"certificates.k8s.io": true, "authentication.k8s.io": true, "authorization.k8s.io": true,
	"resource.k8s.io": true, "internal.apiserver.k8s.io": true, "storagemigration.k8s.io": true,
	"settings.k8s.io": true,
}

var prereleaseVersion = regexp.MustCompile(`^v\d+(alpha|beta)\d*$`)

func checkBetaAPI(r *reporter, o *object) {
	if _, removed := removedAPIs[[2]string{o.apiVersion, o.kind}]; removed {
		return // k8s-removed-api says more
	}
	version := o.apiVersion[len(o.group()):]
	if len(version) > 0 && version[0] == '/' {
		version = version[1:]
	}
	m := prereleaseVersion.FindStringSubmatch(version)
	if m == nil || !builtinGroups[o.group()] {
		return
	}
	stage := "a beta"
	if m[1] == "alpha" {
		stage = "an alpha"
	}
	r.report(&betaAPIRule, o, o.apiVersionNode, fmt.Sprintf("%s uses %s, %s API version", o, o.apiVersion, stage))
}
