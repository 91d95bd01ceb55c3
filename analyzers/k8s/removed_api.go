package k8s

import (
	"fmt"

	"github.com/fourcsec/fourc/shared/finding"
)

var removedAPIRule = finding.Rule{
	ID:       "k8s-removed-api",
	Title:    "API version removed from Kubernetes",
	Layer:    finding.Cluster,
	Severity: finding.Medium,
	Description: "The object uses an apiVersion that current Kubernetes no longer serves: applying " +
		"it fails, so the manifest is either dead or pins the cluster to an unsupported release " +
		"without security fixes. PodSecurityPolicy is gone altogether, so the controls it " +
		"expresses no longer apply.",
	Remediation: "Migrate the object to the replacement apiVersion named in the finding (for PodSecurityPolicy, to Pod Security Admission labels on the namespace).",
	References:  []string{"CWE-1104", "https://kubernetes.io/docs/reference/using-api/deprecation-guide/"},
}

// removedAPI is where a removed version went.
type removedAPI struct {
	removedIn   string // the Kubernetes release that stopped serving it
	replacement string // the apiVersion to use instead, or advice
}

// removedAPIs is keyed by apiVersion and kind, from the Kubernetes deprecation guide.
var removedAPIs = map[[2]string]removedAPI{
	{"extensions/v1beta1", "Deployment"}:                                       {"1.16", "apps/v1"},
	{"extensions/v1beta1", "DaemonSet"}:                                        {"1.16", "apps/v1"},
	{"extensions/v1beta1", "ReplicaSet"}:                                       {"1.16", "apps/v1"},
	{"extensions/v1beta1", "NetworkPolicy"}:                                    {"1.16", "networking.k8s.io/v1"},
	{"extensions/v1beta1", "PodSecurityPolicy"}:                                {"1.16", "Pod Security Admission"},
	{"extensions/v1beta1", "Ingress"}:                                          {"1.22", "networking.k8s.io/v1"},
	{"apps/v1beta1", "Deployment"}:                                             {"1.16", "apps/v1"},
	{"apps/v1beta1", "StatefulSet"}:                                            {"1.16", "apps/v1"},
	{"apps/v1beta1", "ControllerRevision"}:                                     {"1.16", "apps/v1"},
	{"apps/v1beta2", "Deployment"}:                                             {"1.16", "apps/v1"},
	{"apps/v1beta2", "StatefulSet"}:                                            {"1.16", "apps/v1"},
	{"apps/v1beta2", "DaemonSet"}:                                              {"1.16", "apps/v1"},
	{"apps/v1beta2", "ReplicaSet"}:                                             {"1.16", "apps/v1"},
	{"apps/v1beta2", "ControllerRevision"}:                                     {"1.16", "apps/v1"},
	{"batch/v2alpha1", "CronJob"}:                                              {"1.21", "batch/v1"},
	{"batch/v1beta1", "CronJob"}:                                               {"1.25", "batch/v1"},
	{"networking.k8s.io/v1beta1", "Ingress"}:                                   {"1.22", "networking.k8s.io/v1"},
	{"networking.k8s.io/v1beta1", "IngressClass"}:                              {"1.22", "networking.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1beta1", "ClusterRole"}:                       {"1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"}:                {"1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1beta1", "Role"}:                              {"1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1beta1", "RoleBinding"}:                       {"1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1alpha1", "ClusterRole"}:                      {"1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1alpha1", "ClusterRoleBinding"}:               {"1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1alpha1", "Role"}:                             {"1.22", "rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1alpha1", "RoleBinding"}:                      {"1.22", "rbac.authorization.k8s.io/v1"},
	{"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"}:   {"1.22", "admissionregistration.k8s.io/v1"},
	{"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"}: {"1.22", "admissionregistration.k8s.io/v1"},
	{"apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"}:               {"1.22", "apiextensions.k8s.io/v1"},
	{"apiregistration.k8s.io/v1beta1", "APIService"}:                           {"1.22", "apiregistration.k8s.io/v1"},
	{"authentication.k8s.io/v1beta1", "TokenReview"}:                           {"1.22", "authentication.k8s.io/v1"},
	{"authorization.k8s.io/v1beta1", "SubjectAccessReview"}:                    {"1.22", "authorization.k8s.io/v1"},
	{"authorization.k8s.io/v1beta1", "LocalSubjectAccessReview"}:               {"1.22", "authorization.k8s.io/v1"},
	{"authorization.k8s.io/v1beta1", "SelfSubjectAccessReview"}:                {"1.22", "authorization.k8s.io/v1"},
	{"certificates.k8s.io/v1beta1", "CertificateSigningRequest"}:               {"1.22", "certificates.k8s.io/v1"},
	{"coordination.k8s.io/v1beta1", "Lease"}:                                   {"1.22", "coordination.k8s.io/v1"},
	{"scheduling.k8s.io/v1beta1", "PriorityClass"}:                             {"1.22", "scheduling.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", "CSIDriver"}:                                    {"1.22", "storage.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", "CSINode"}:                                      {"1.22", "storage.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", "StorageClass"}:                                 {"1.22", "storage.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", "VolumeAttachment"}:                             {"1.22", "storage.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", "CSIStorageCapacity"}:                           {"1.27", "storage.k8s.io/v1"},
	{"policy/v1beta1", "PodSecurityPolicy"}:                                    {"1.25", "Pod Security Admission"},
	{"policy/v1beta1", "PodDisruptionBudget"}:                                  {"1.25", "policy/v1"},
	{"discovery.k8s.io/v1beta1", "EndpointSlice"}:                              {"1.25", "discovery.k8s.io/v1"},
	{"events.k8s.io/v1beta1", "Event"}:                                         {"1.25", "events.k8s.io/v1"},
	{"autoscaling/v2beta1", "HorizontalPodAutoscaler"}:                         {"1.25", "autoscaling/v2"},
	{"autoscaling/v2beta2", "HorizontalPodAutoscaler"}:                         {"1.26", "autoscaling/v2"},
	{"node.k8s.io/v1beta1", "RuntimeClass"}:                                    {"1.25", "node.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"}:                     {"1.26", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"}:     {"1.26", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"}:                     {"1.29", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration"}:     {"1.29", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"}:                     {"1.32", "flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"}:     {"1.32", "flowcontrol.apiserver.k8s.io/v1"},
}

func checkRemovedAPI(r *reporter, o *object) {
	removed, ok := removedAPIs[[2]string{o.apiVersion, o.kind}]
	if !ok {
		return
	}
	r.report(&removedAPIRule, o, o.apiVersionNode, fmt.Sprintf("%s %s is no longer served since Kubernetes %s; use %s",
		o.apiVersion, o.kind, removed.removedIn, removed.replacement))
}
