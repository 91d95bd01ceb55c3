package k8s

// checks is the one list of the scanner's rules, in the order the documentation lists them.
var checks = []check{
	// Pod security: what a container may do to its node.
	{rule: &privilegedRule, object: checkPrivileged},
	{rule: &allowPrivilegeEscalationRule, object: checkAllowPrivilegeEscalation},
	{rule: &runAsRootUserRule, object: checkRunAsRootUser},
	{rule: &runAsNonRootRule, object: checkRunAsNonRoot},
	{rule: &hostPIDRule, object: checkHostPID},
	{rule: &hostIPCRule, object: checkHostIPC},
	{rule: &hostNetworkRule, object: checkHostNetwork},
	{rule: &hostPathRule, object: checkHostPath},
	{rule: &hostPortRule, object: checkHostPort},
	{rule: &capabilitiesAddedRule, object: checkCapabilitiesAdded},
	{rule: &capabilitiesDropAllRule, object: checkCapabilitiesDropAll},
	{rule: &seccompUnconfinedRule, object: checkSeccompUnconfined},
	{rule: &appArmorUnconfinedRule, object: checkAppArmorUnconfined},
	{rule: &seLinuxOptionsRule, object: checkSELinuxOptions},
	{rule: &writableRootFilesystemRule, object: checkWritableRootFilesystem},
	{rule: &serviceAccountTokenRule, newScope: newServiceAccountScope},
	// Workload hygiene with a security cost.
	{rule: &memoryLimitRule, newScope: newMemoryLimitScope},
	{rule: &cpuLimitRule, newScope: newCPULimitScope},
	{rule: &imageTagRule, object: checkImageTag},
	{rule: &secretEnvRule, object: checkSecretEnv},
	// Exposure.
	{rule: &serviceNodePortRule, object: checkServiceNodePort},
	{rule: &serviceLoadBalancerRule, object: checkServiceLoadBalancer},
	{rule: &ingressTLSRule, object: checkIngressTLS},
	{rule: &networkPolicyRule, newScope: newNetworkPolicyScope},
	// RBAC.
	{rule: &rbacWildcardRule, object: checkRBACWildcard},
	{rule: &rbacSecretsRule, object: checkRBACSecrets},
	{rule: &rbacEscalationVerbsRule, object: checkRBACEscalationVerbs},
	{rule: &rbacPodExecRule, object: checkRBACPodExec},
	{rule: &rbacClusterAdminBindingRule, object: checkRBACClusterAdminBinding},
	{rule: &rbacAnonymousBindingRule, object: checkRBACAnonymousBinding},
	// API versions.
	{rule: &removedAPIRule, object: checkRemovedAPI},
	{rule: &betaAPIRule, object: checkBetaAPI},
}
