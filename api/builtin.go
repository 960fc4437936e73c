package api

import (
	"strconv"

	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/authorization"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/rbac"
)

// Builtin returns a new registry holding Kubernetes' kinds that skiff serves, with the resource
// names, short names, scopes and subresources kube-apiserver gives them. Each call returns a fresh
// registry, so a program can add its own kinds without touching anyone else's.
func Builtin() *Registry {
	r := NewRegistry()
	must := func(err error) {
		if err != nil {
			panic(err) // the built-in table is fixed: a failure here is a bug caught by every test
		}
	}
	all := []string{"all"}

	// core/v1
	must(Register(r, KindSpec[*core.Pod]{
		Version: "v1", Kind: "Pod", Resource: "pods", Singular: "pod", ShortNames: []string{"po"},
		Categories: all, Namespaced: true,
		Subresources:         []string{"status", "binding", "log", "exec", "attach", "portforward", "eviction", "ephemeralcontainers", "resize"},
		Default:              core.DefaultPod,
		Validate:             core.ValidatePod,
		ValidateUpdate:       core.ValidatePodUpdate,
		ValidateStatusUpdate: core.ValidatePodStatusUpdate,
		SelectableFields:     podFields,
	}))
	must(Register(r, KindSpec[*core.Node]{
		Version: "v1", Kind: "Node", Resource: "nodes", Singular: "node", ShortNames: []string{"no"},
		Subresources:         []string{"status", "proxy"},
		Default:              core.DefaultNode,
		Validate:             core.ValidateNode,
		ValidateUpdate:       core.ValidateNodeUpdate,
		ValidateStatusUpdate: core.ValidateNodeStatusUpdate,
		SelectableFields: func(n *core.Node) map[string]string {
			return map[string]string{"spec.unschedulable": strconv.FormatBool(n.Spec.Unschedulable)}
		},
	}))
	must(Register(r, KindSpec[*core.Namespace]{
		Version: "v1", Kind: "Namespace", Resource: "namespaces", Singular: "namespace", ShortNames: []string{"ns"},
		Subresources:         []string{"status", "finalize"},
		Default:              core.DefaultNamespace,
		Validate:             core.ValidateNamespace,
		ValidateUpdate:       core.ValidateNamespaceUpdate,
		ValidateStatusUpdate: core.ValidateNamespaceStatusUpdate,
		SelectableFields: func(ns *core.Namespace) map[string]string {
			return map[string]string{"status.phase": string(ns.Status.Phase)}
		},
	}))
	must(Register(r, KindSpec[*core.Binding]{
		Version: "v1", Kind: "Binding", Resource: "bindings", Singular: "binding", Namespaced: true,
		Verbs:    []string{"create"}, // bindings are only ever posted, as in Kubernetes
		Validate: core.ValidateBinding,
	}))
	must(Register(r, KindSpec[*core.Event]{
		Version: "v1", Kind: "Event", Resource: "events", Singular: "event", ShortNames: []string{"ev"}, Namespaced: true,
		Validate:         core.ValidateEvent,
		ValidateUpdate:   core.ValidateEventUpdate,
		SelectableFields: eventFields,
	}))
	must(Register(r, KindSpec[*core.Secret]{
		Version: "v1", Kind: "Secret", Resource: "secrets", Singular: "secret", Namespaced: true,
		Default:        core.DefaultSecret,
		Validate:       core.ValidateSecret,
		ValidateUpdate: core.ValidateSecretUpdate,
		SelectableFields: func(s *core.Secret) map[string]string {
			return map[string]string{"type": string(s.Type)}
		},
	}))
	must(Register(r, KindSpec[*core.ConfigMap]{
		Version: "v1", Kind: "ConfigMap", Resource: "configmaps", Singular: "configmap", ShortNames: []string{"cm"}, Namespaced: true,
		Default:        core.DefaultConfigMap,
		Validate:       core.ValidateConfigMap,
		ValidateUpdate: core.ValidateConfigMapUpdate,
	}))
	must(Register(r, KindSpec[*core.ServiceAccount]{
		Version: "v1", Kind: "ServiceAccount", Resource: "serviceaccounts", Singular: "serviceaccount", ShortNames: []string{"sa"}, Namespaced: true,
		Subresources:   []string{"token"},
		Validate:       core.ValidateServiceAccount,
		ValidateUpdate: core.ValidateServiceAccountUpdate,
	}))
	must(Register(r, KindSpec[*core.ResourceQuota]{
		Version: "v1", Kind: "ResourceQuota", Resource: "resourcequotas", Singular: "resourcequota", ShortNames: []string{"quota"}, Namespaced: true,
		Subresources:         []string{"status"},
		Validate:             core.ValidateResourceQuota,
		ValidateUpdate:       core.ValidateResourceQuotaUpdate,
		ValidateStatusUpdate: core.ValidateResourceQuotaStatusUpdate,
	}))
	must(Register(r, KindSpec[*core.LimitRange]{
		Version: "v1", Kind: "LimitRange", Resource: "limitranges", Singular: "limitrange", ShortNames: []string{"limits"}, Namespaced: true,
		Default:        core.DefaultLimitRange,
		Validate:       core.ValidateLimitRange,
		ValidateUpdate: core.ValidateLimitRangeUpdate,
	}))

	// apps/v1
	must(Register(r, KindSpec[*apps.Deployment]{
		Group: apps.GroupName, Version: "v1", Kind: "Deployment", Resource: "deployments", Singular: "deployment",
		ShortNames: []string{"deploy"}, Categories: all, Namespaced: true,
		Subresources:         []string{"status", "scale"},
		Default:              apps.DefaultDeployment,
		Validate:             apps.ValidateDeployment,
		ValidateUpdate:       apps.ValidateDeploymentUpdate,
		ValidateStatusUpdate: apps.ValidateDeploymentStatusUpdate,
	}))
	must(Register(r, KindSpec[*apps.ReplicaSet]{
		Group: apps.GroupName, Version: "v1", Kind: "ReplicaSet", Resource: "replicasets", Singular: "replicaset",
		ShortNames: []string{"rs"}, Categories: all, Namespaced: true,
		Subresources:         []string{"status", "scale"},
		Default:              apps.DefaultReplicaSet,
		Validate:             apps.ValidateReplicaSet,
		ValidateUpdate:       apps.ValidateReplicaSetUpdate,
		ValidateStatusUpdate: apps.ValidateReplicaSetStatusUpdate,
	}))

	// rbac.authorization.k8s.io/v1
	must(Register(r, KindSpec[*rbac.Role]{
		Group: rbac.GroupName, Version: "v1", Kind: "Role", Resource: "roles", Singular: "role", Namespaced: true,
		Validate: rbac.ValidateRole, ValidateUpdate: rbac.ValidateRoleUpdate,
	}))
	must(Register(r, KindSpec[*rbac.ClusterRole]{
		Group: rbac.GroupName, Version: "v1", Kind: "ClusterRole", Resource: "clusterroles", Singular: "clusterrole",
		Validate: rbac.ValidateClusterRole, ValidateUpdate: rbac.ValidateClusterRoleUpdate,
	}))
	must(Register(r, KindSpec[*rbac.RoleBinding]{
		Group: rbac.GroupName, Version: "v1", Kind: "RoleBinding", Resource: "rolebindings", Singular: "rolebinding", Namespaced: true,
		Default: rbac.DefaultRoleBinding, Validate: rbac.ValidateRoleBinding, ValidateUpdate: rbac.ValidateRoleBindingUpdate,
	}))
	must(Register(r, KindSpec[*rbac.ClusterRoleBinding]{
		Group: rbac.GroupName, Version: "v1", Kind: "ClusterRoleBinding", Resource: "clusterrolebindings", Singular: "clusterrolebinding",
		Default: rbac.DefaultClusterRoleBinding, Validate: rbac.ValidateClusterRoleBinding, ValidateUpdate: rbac.ValidateClusterRoleBindingUpdate,
	}))

	// admissionregistration.k8s.io/v1
	must(Register(r, KindSpec[*admissionregistration.MutatingWebhookConfiguration]{
		Group: admissionregistration.GroupName, Version: admissionregistration.V1, Kind: "MutatingWebhookConfiguration",
		Resource: "mutatingwebhookconfigurations", Singular: "mutatingwebhookconfiguration",
		Default:  admissionregistration.DefaultMutatingWebhookConfiguration,
		Validate: admissionregistration.ValidateMutatingWebhookConfiguration, ValidateUpdate: admissionregistration.ValidateMutatingWebhookConfigurationUpdate,
	}))
	must(Register(r, KindSpec[*admissionregistration.ValidatingWebhookConfiguration]{
		Group: admissionregistration.GroupName, Version: admissionregistration.V1, Kind: "ValidatingWebhookConfiguration",
		Resource: "validatingwebhookconfigurations", Singular: "validatingwebhookconfiguration",
		Default:  admissionregistration.DefaultValidatingWebhookConfiguration,
		Validate: admissionregistration.ValidateValidatingWebhookConfiguration, ValidateUpdate: admissionregistration.ValidateValidatingWebhookConfigurationUpdate,
	}))

	// admissionregistration.k8s.io/v1alpha1
	must(Register(r, KindSpec[*admissionregistration.InitializerConfiguration]{
		Group: admissionregistration.GroupName, Version: admissionregistration.Version, Kind: "InitializerConfiguration",
		Resource: "initializerconfigurations", Singular: "initializerconfiguration",
		Validate: admissionregistration.ValidateInitializerConfiguration, ValidateUpdate: admissionregistration.ValidateInitializerConfigurationUpdate,
	}))

	// authentication.k8s.io/v1 and authorization.k8s.io/v1: the reviews, virtual kinds the server
	// answers without storing them.
	must(Register(r, KindSpec[*authentication.TokenReview]{
		Group: authentication.GroupName, Version: authentication.Version, Kind: "TokenReview",
		Resource: "tokenreviews", Singular: "tokenreview", Virtual: true,
	}))
	must(Register(r, KindSpec[*authentication.SelfSubjectReview]{
		Group: authentication.GroupName, Version: authentication.Version, Kind: "SelfSubjectReview",
		Resource: "selfsubjectreviews", Singular: "selfsubjectreview", Virtual: true,
	}))
	must(Register(r, KindSpec[*authorization.SubjectAccessReview]{
		Group: authorization.GroupName, Version: authorization.Version, Kind: "SubjectAccessReview",
		Resource: "subjectaccessreviews", Singular: "subjectaccessreview", Virtual: true,
		Validate: authorization.ValidateSubjectAccessReview,
	}))
	must(Register(r, KindSpec[*authorization.SelfSubjectAccessReview]{
		Group: authorization.GroupName, Version: authorization.Version, Kind: "SelfSubjectAccessReview",
		Resource: "selfsubjectaccessreviews", Singular: "selfsubjectaccessreview", Virtual: true,
		Validate: authorization.ValidateSelfSubjectAccessReview,
	}))
	must(Register(r, KindSpec[*authorization.LocalSubjectAccessReview]{
		Group: authorization.GroupName, Version: authorization.Version, Kind: "LocalSubjectAccessReview",
		Resource: "localsubjectaccessreviews", Singular: "localsubjectaccessreview", Namespaced: true, Virtual: true,
		Validate: authorization.ValidateLocalSubjectAccessReview,
	}))
	must(Register(r, KindSpec[*authorization.SelfSubjectRulesReview]{
		Group: authorization.GroupName, Version: authorization.Version, Kind: "SelfSubjectRulesReview",
		Resource: "selfsubjectrulesreviews", Singular: "selfsubjectrulesreview", Virtual: true,
		Validate: authorization.ValidateSelfSubjectRulesReview,
	}))

	// coordination.k8s.io/v1
	must(Register(r, KindSpec[*coordination.Lease]{
		Group: coordination.GroupName, Version: "v1", Kind: "Lease", Resource: "leases", Singular: "lease", Namespaced: true,
		Validate: coordination.ValidateLease, ValidateUpdate: coordination.ValidateLeaseUpdate,
	}))
	return r
}

// podFields are the pod fields kube-apiserver lets a field selector name.
func podFields(p *core.Pod) map[string]string {
	return map[string]string{
		"spec.nodeName":            p.Spec.NodeName,
		"spec.restartPolicy":       string(p.Spec.RestartPolicy),
		"spec.schedulerName":       p.Spec.SchedulerName,
		"spec.serviceAccountName":  p.Spec.ServiceAccountName,
		"spec.hostNetwork":         strconv.FormatBool(p.Spec.HostNetwork),
		"status.phase":             string(p.Status.Phase),
		"status.podIP":             p.Status.PodIP,
		"status.nominatedNodeName": p.Status.NominatedNodeName,
	}
}

// eventFields are the event fields kube-apiserver lets a field selector name.
func eventFields(e *core.Event) map[string]string {
	source := e.Source.Component
	if source == "" {
		source = e.ReportingController
	}
	return map[string]string{
		"involvedObject.kind":            e.InvolvedObject.Kind,
		"involvedObject.namespace":       e.InvolvedObject.Namespace,
		"involvedObject.name":            e.InvolvedObject.Name,
		"involvedObject.uid":             string(e.InvolvedObject.UID),
		"involvedObject.apiVersion":      e.InvolvedObject.APIVersion,
		"involvedObject.resourceVersion": e.InvolvedObject.ResourceVersion,
		"involvedObject.fieldPath":       e.InvolvedObject.FieldPath,
		"reason":                         e.Reason,
		"reportingComponent":             e.ReportingController,
		"source":                         source,
		"type":                           e.Type,
	}
}
