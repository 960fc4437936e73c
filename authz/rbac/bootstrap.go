package rbac

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/store"
)

// Labels and annotations of the bootstrap policy, and the labels that aggregate into admin, edit
// and view.
const (
	BootstrappingLabel = "kubernetes.io/bootstrapping"
	BootstrappingValue = "rbac-defaults"

	AggregateToAdminLabel = "rbac.authorization.k8s.io/aggregate-to-admin"
	AggregateToEditLabel  = "rbac.authorization.k8s.io/aggregate-to-edit"
	AggregateToViewLabel  = "rbac.authorization.k8s.io/aggregate-to-view"
)

// Well-known users and groups the bootstrap policy binds.
const (
	KubeSchedulerUser         = "system:kube-scheduler"
	KubeControllerManagerUser = "system:kube-controller-manager"
	KubeProxyUser             = "system:kube-proxy"
	MonitoringGroup           = "system:monitoring"
	AllServiceAccountsGroup   = "system:serviceaccounts"
)

// API groups the bootstrap rules name.
const (
	legacyGroup         = ""
	appsGroup           = "apps"
	authenticationGroup = "authentication.k8s.io"
	authorizationGroup  = "authorization.k8s.io"
	autoscalingGroup    = "autoscaling"
	batchGroup          = "batch"
	certificatesGroup   = "certificates.k8s.io"
	coordinationGroup   = "coordination.k8s.io"
	discoveryGroup      = "discovery.k8s.io"
	eventsGroup         = "events.k8s.io"
	extensionsGroup     = "extensions"
	networkingGroup     = "networking.k8s.io"
	nodeGroup           = "node.k8s.io"
	policyGroup         = "policy"
	rbacGroup           = rbac.GroupName
	storageGroup        = "storage.k8s.io"
)

// Verb sets, as Kubernetes' bootstrap policy names them.
var (
	read       = []string{"get", "list", "watch"}
	write      = []string{"create", "update", "patch", "delete", "deletecollection"}
	readWrite  = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
	readUpdate = []string{"get", "list", "watch", "update", "patch"}
)

// ruleBuilder writes rules the way Kubernetes' bootstrap policy does, lists sorted, so that the
// objects read back exactly as kube-apiserver's.
type ruleBuilder struct{ r rbac.PolicyRule }

func newRule(verbs ...string) *ruleBuilder {
	return &ruleBuilder{r: rbac.PolicyRule{Verbs: slices.Clone(verbs)}}
}

func (b *ruleBuilder) groups(g ...string) *ruleBuilder {
	b.r.APIGroups = append(b.r.APIGroups, g...)
	return b
}

func (b *ruleBuilder) resources(r ...string) *ruleBuilder {
	b.r.Resources = append(b.r.Resources, r...)
	return b
}

func (b *ruleBuilder) names(n ...string) *ruleBuilder {
	b.r.ResourceNames = append(b.r.ResourceNames, n...)
	return b
}

func (b *ruleBuilder) urls(u ...string) *ruleBuilder {
	b.r.NonResourceURLs = append(b.r.NonResourceURLs, u...)
	return b
}

func (b *ruleBuilder) rule() rbac.PolicyRule {
	for _, s := range [][]string{b.r.Verbs, b.r.APIGroups, b.r.Resources, b.r.ResourceNames, b.r.NonResourceURLs} {
		slices.Sort(s)
	}
	return b.r
}

// eventsRule lets a component record events, in both events APIs.
func eventsRule() rbac.PolicyRule {
	return newRule("create", "update", "patch").groups(legacyGroup, eventsGroup).resources("events").rule()
}

// nodeRules are system:node's. Modern Kubernetes binds the role to nobody: the Node authorizer and
// the NodeRestriction admission plugin give each kubelet these rights, limited to its own objects.
func nodeRules() []rbac.PolicyRule {
	return []rbac.PolicyRule{
		// Needed to check API access. These creates are non-mutating.
		newRule("create").groups(authenticationGroup).resources("tokenreviews").rule(),
		newRule("create").groups(authorizationGroup).resources("subjectaccessreviews", "localsubjectaccessreviews").rule(),
		// Service environment variables.
		newRule(read...).groups(legacyGroup).resources("services").rule(),
		// Nodes register themselves and report status.
		newRule("create", "get", "list", "watch").groups(legacyGroup).resources("nodes").rule(),
		newRule("update", "patch").groups(legacyGroup).resources("nodes/status").rule(),
		newRule("update", "patch").groups(legacyGroup).resources("nodes").rule(),
		newRule("create", "update", "patch").groups(legacyGroup).resources("events").rule(),
		newRule(read...).groups(legacyGroup).resources("pods").rule(),
		// Mirror pods, pod status, evictions.
		newRule("create", "delete").groups(legacyGroup).resources("pods").rule(),
		newRule("update", "patch").groups(legacyGroup).resources("pods/status").rule(),
		newRule("create").groups(legacyGroup).resources("pods/eviction").rule(),
		// Secret and configmap volumes and env; the Node authorizer limits them to the node's pods.
		newRule("get", "list", "watch").groups(legacyGroup).resources("secrets", "configmaps").rule(),
		newRule("get").groups(legacyGroup).resources("persistentvolumeclaims", "persistentvolumes").rule(),
		newRule("get").groups(legacyGroup).resources("endpoints").rule(),
		// Client certificate rotation.
		newRule("create", "get", "list", "watch").groups(certificatesGroup).resources("certificatesigningrequests").rule(),
		// Node heartbeats.
		newRule("get", "create", "update", "patch", "delete").groups(coordinationGroup).resources("leases").rule(),
		newRule("get").groups(storageGroup).resources("volumeattachments").rule(),
		// Service account tokens for the node's pods.
		newRule("create").groups(legacyGroup).resources("serviceaccounts/token").rule(),
		newRule("get", "update", "patch").groups(legacyGroup).resources("persistentvolumeclaims/status").rule(),
		newRule("get", "watch", "list").groups(storageGroup).resources("csidrivers").rule(),
		newRule("get", "create", "update", "patch", "delete").groups(storageGroup).resources("csinodes").rule(),
		newRule("get", "list", "watch").groups(nodeGroup).resources("runtimeclasses").rule(),
	}
}

func newClusterRole(name string, labels map[string]string, rules ...rbac.PolicyRule) *rbac.ClusterRole {
	return &rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels}, Rules: rules}
}

func aggregatedClusterRole(name string, labels map[string]string, aggregateLabel string) *rbac.ClusterRole {
	r := newClusterRole(name, labels)
	r.AggregationRule = &rbac.AggregationRule{ClusterRoleSelectors: []meta.LabelSelector{{MatchLabels: map[string]string{aggregateLabel: "true"}}}}
	return r
}

func defaultClusterRoles() []*rbac.ClusterRole {
	return []*rbac.ClusterRole{
		// The root role, which can do absolutely anything.
		newClusterRole("cluster-admin", nil,
			newRule("*").groups("*").resources("*").rule(),
			newRule("*").urls("*").rule()),
		// Just enough to learn whether the server is ready and discover API versions.
		newClusterRole("system:discovery", nil,
			newRule("get").urls("/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*").rule()),
		// Read access to the monitoring endpoints; the per-check health endpoints can say more
		// about the cluster than the public ones.
		newClusterRole("system:monitoring", nil,
			newRule("get").urls("/metrics", "/metrics/slis", "/livez", "/readyz", "/healthz", "/livez/*", "/readyz/*", "/healthz/*").rule()),
		// Lets a user learn about itself.
		newClusterRole("system:basic-user", nil,
			newRule("create").groups(authorizationGroup).resources("selfsubjectaccessreviews", "selfsubjectrulesreviews").rule(),
			newRule("create").groups(authenticationGroup).resources("selfsubjectreviews").rule()),
		// Information that is not sensitive, for everyone.
		newClusterRole("system:public-info-viewer", nil,
			newRule("get").urls("/livez", "/readyz", "/healthz", "/version", "/version/").rule()),

		// A namespace's admin: edit, plus granting permissions (roles and bindings) within it.
		aggregatedClusterRole("admin", nil, AggregateToAdminLabel),
		// All user-level actions in a namespace, without the "privileged" resources that are the
		// system's: status subresources, quotas and limits, roles and bindings.
		aggregatedClusterRole("edit", map[string]string{AggregateToAdminLabel: "true"}, AggregateToEditLabel),
		// Read-only access to what in a namespace does not lead to escalation (no secrets).
		aggregatedClusterRole("view", map[string]string{AggregateToEditLabel: "true"}, AggregateToViewLabel),
		newClusterRole("system:aggregate-to-admin", map[string]string{AggregateToAdminLabel: "true"},
			newRule("create").groups(authorizationGroup).resources("localsubjectaccessreviews").rule(),
			newRule(readWrite...).groups(rbacGroup).resources("roles", "rolebindings").rule()),
		newClusterRole("system:aggregate-to-edit", map[string]string{AggregateToEditLabel: "true"},
			// Read access to resources that can lead to escalation.
			newRule(read...).groups(legacyGroup).resources("pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy").rule(),
			newRule("impersonate").groups(legacyGroup).resources("serviceaccounts").rule(),
			newRule(write...).groups(legacyGroup).resources("pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward").rule(),
			newRule("create").groups(legacyGroup).resources("pods/eviction").rule(),
			newRule(write...).groups(legacyGroup).resources("replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
				"services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets", "events").rule(),
			newRule("create").groups(legacyGroup).resources("serviceaccounts/token").rule(),
			newRule(write...).groups(appsGroup).resources("statefulsets", "statefulsets/scale", "daemonsets",
				"deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale").rule(),
			newRule(write...).groups(autoscalingGroup).resources("horizontalpodautoscalers").rule(),
			newRule(write...).groups(batchGroup).resources("jobs", "cronjobs").rule(),
			newRule(write...).groups(extensionsGroup).resources("daemonsets", "deployments", "deployments/scale", "deployments/rollback",
				"ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies").rule(),
			newRule(write...).groups(policyGroup).resources("poddisruptionbudgets").rule(),
			newRule(write...).groups(networkingGroup).resources("networkpolicies", "ingresses").rule(),
			newRule(readWrite...).groups(coordinationGroup).resources("leases").rule()),
		newClusterRole("system:aggregate-to-view", map[string]string{AggregateToViewLabel: "true"},
			newRule(read...).groups(legacyGroup).resources("pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
				"services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps").rule(),
			newRule(read...).groups(legacyGroup).resources("limitranges", "resourcequotas", "bindings", "events",
				"pods/status", "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log").rule(),
			// Reading namespaces from within one shows which namespaces one can use.
			newRule(read...).groups(legacyGroup).resources("namespaces").rule(),
			newRule(read...).groups(discoveryGroup).resources("endpointslices").rule(),
			newRule(read...).groups(appsGroup).resources("controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale",
				"daemonsets", "daemonsets/status", "deployments", "deployments/status", "deployments/scale",
				"replicasets", "replicasets/status", "replicasets/scale").rule(),
			newRule(read...).groups(autoscalingGroup).resources("horizontalpodautoscalers", "horizontalpodautoscalers/status").rule(),
			newRule(read...).groups(batchGroup).resources("jobs", "cronjobs", "cronjobs/status", "jobs/status").rule(),
			newRule(read...).groups(extensionsGroup).resources("daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
				"ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale",
				"networkpolicies").rule(),
			newRule(read...).groups(policyGroup).resources("poddisruptionbudgets", "poddisruptionbudgets/status").rule(),
			newRule(read...).groups(networkingGroup).resources("networkpolicies", "ingresses", "ingresses/status").rule()),

		newClusterRole("system:heapster", nil,
			newRule(read...).groups(legacyGroup).resources("events", "pods", "nodes", "namespaces").rule(),
			newRule(read...).groups(extensionsGroup).resources("deployments").rule()),
		newClusterRole("system:node", nil, nodeRules()...),
		newClusterRole("system:node-problem-detector", nil,
			newRule("get").groups(legacyGroup).resources("nodes").rule(),
			newRule("patch").groups(legacyGroup).resources("nodes/status").rule(),
			eventsRule()),
		// Full access to the kubelet API.
		newClusterRole("system:kubelet-api-admin", nil,
			newRule("get", "list", "watch").groups(legacyGroup).resources("nodes").rule(),
			newRule("proxy").groups(legacyGroup).resources("nodes").rule(),
			newRule("*").groups(legacyGroup).resources("nodes/proxy", "nodes/metrics", "nodes/stats", "nodes/log").rule()),
		newClusterRole("system:node-bootstrapper", nil,
			newRule("create", "get", "list", "watch").groups(certificatesGroup).resources("certificatesigningrequests").rule()),
		// Delegated authentication and authorization.
		newClusterRole("system:auth-delegator", nil,
			newRule("create").groups(authenticationGroup).resources("tokenreviews").rule(),
			newRule("create").groups(authorizationGroup).resources("subjectaccessreviews").rule()),
		newClusterRole("system:kube-aggregator", nil,
			newRule(read...).groups(legacyGroup).resources("services", "endpoints").rule()),
		newClusterRole("system:kube-controller-manager", nil,
			eventsRule(),
			// Leader election.
			newRule("create").groups(coordinationGroup).resources("leases").rule(),
			newRule("get", "update").groups(coordinationGroup).resources("leases").names("kube-controller-manager").rule(),
			newRule("create").groups(legacyGroup).resources("secrets", "serviceaccounts").rule(),
			newRule("delete").groups(legacyGroup).resources("secrets").rule(),
			newRule("get").groups(legacyGroup).resources("namespaces", "secrets", "serviceaccounts", "configmaps").rule(),
			newRule("update").groups(legacyGroup).resources("secrets", "serviceaccounts").rule(),
			newRule("create").groups(authenticationGroup).resources("tokenreviews").rule(),
			newRule("create").groups(authorizationGroup).resources("subjectaccessreviews").rule(),
			// Every shared informer.
			newRule("list", "watch").groups("*").resources("*").rule(),
			newRule("create").groups(legacyGroup).resources("serviceaccounts/token").rule()),
		newClusterRole("system:kube-dns", nil,
			newRule("list", "watch").groups(legacyGroup).resources("endpoints", "services").rule()),
		newClusterRole("system:persistent-volume-provisioner", nil,
			newRule("get", "list", "watch", "create", "delete").groups(legacyGroup).resources("persistentvolumes").rule(),
			newRule("get", "list", "watch", "update").groups(legacyGroup).resources("persistentvolumeclaims").rule(),
			newRule(read...).groups(storageGroup).resources("storageclasses").rule(),
			newRule("watch").groups(legacyGroup).resources("events").rule(),
			eventsRule()),
		newClusterRole("system:certificates.k8s.io:certificatesigningrequests:nodeclient", nil,
			newRule("create").groups(certificatesGroup).resources("certificatesigningrequests/nodeclient").rule()),
		newClusterRole("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", nil,
			newRule("create").groups(certificatesGroup).resources("certificatesigningrequests/selfnodeclient").rule()),
		newClusterRole("system:volume-scheduler", nil,
			newRule(readUpdate...).groups(legacyGroup).resources("persistentvolumes").rule(),
			newRule(read...).groups(storageGroup).resources("storageclasses").rule(),
			newRule(readUpdate...).groups(legacyGroup).resources("persistentvolumeclaims").rule()),
		newClusterRole("system:certificates.k8s.io:legacy-unknown-approver", nil,
			newRule("approve").groups(certificatesGroup).resources("signers").names("kubernetes.io/legacy-unknown").rule()),
		newClusterRole("system:certificates.k8s.io:kubelet-serving-approver", nil,
			newRule("approve").groups(certificatesGroup).resources("signers").names("kubernetes.io/kubelet-serving").rule()),
		newClusterRole("system:certificates.k8s.io:kube-apiserver-client-approver", nil,
			newRule("approve").groups(certificatesGroup).resources("signers").names("kubernetes.io/kube-apiserver-client").rule()),
		newClusterRole("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", nil,
			newRule("approve").groups(certificatesGroup).resources("signers").names("kubernetes.io/kube-apiserver-client-kubelet").rule()),
		newClusterRole("system:service-account-issuer-discovery", nil,
			newRule("get").urls("/.well-known/openid-configuration", "/openid/v1/jwks").rule()),
		// kube-proxy.
		newClusterRole("system:node-proxier", nil,
			newRule("list", "watch").groups(legacyGroup).resources("services", "endpoints").rule(),
			newRule("get", "list", "watch").groups(legacyGroup).resources("nodes").rule(),
			eventsRule(),
			newRule("list", "watch").groups(discoveryGroup).resources("endpointslices").rule()),
		newClusterRole("system:kube-scheduler", nil,
			eventsRule(),
			// Leader election.
			newRule("create").groups(coordinationGroup).resources("leases").rule(),
			newRule("get", "update").groups(coordinationGroup).resources("leases").names("kube-scheduler").rule(),
			newRule(read...).groups(legacyGroup).resources("nodes").rule(),
			newRule("get", "list", "watch", "delete").groups(legacyGroup).resources("pods").rule(),
			newRule("create").groups(legacyGroup).resources("pods/binding", "bindings").rule(),
			newRule("patch", "update").groups(legacyGroup).resources("pods/status").rule(),
			// What selects pods.
			newRule(read...).groups(legacyGroup).resources("services", "replicationcontrollers").rule(),
			newRule(read...).groups(appsGroup, extensionsGroup).resources("replicasets").rule(),
			newRule(read...).groups(appsGroup).resources("statefulsets").rule(),
			// What pods use, or applies to them.
			newRule(read...).groups(policyGroup).resources("poddisruptionbudgets").rule(),
			newRule(read...).groups(legacyGroup).resources("persistentvolumeclaims", "persistentvolumes").rule(),
			newRule("create").groups(authenticationGroup).resources("tokenreviews").rule(),
			newRule("create").groups(authorizationGroup).resources("subjectaccessreviews").rule(),
			newRule(read...).groups(storageGroup).resources("csinodes").rule(),
			newRule(read...).groups(legacyGroup).resources("namespaces").rule(),
			newRule(read...).groups(storageGroup).resources("csidrivers").rule(),
			newRule(read...).groups(storageGroup).resources("csistoragecapacities").rule()),
	}
}

// clusterBinding binds the ClusterRole of the same name, as all bootstrap bindings do.
func clusterBinding(name string, subjects ...rbac.Subject) *rbac.ClusterRoleBinding {
	return &rbac.ClusterRoleBinding{
		ObjectMeta: meta.ObjectMeta{Name: name},
		RoleRef:    rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "ClusterRole", Name: name},
		Subjects:   subjects,
	}
}

func groups(names ...string) []rbac.Subject {
	out := make([]rbac.Subject, len(names))
	for i, n := range names {
		out[i] = rbac.Subject{Kind: rbac.GroupKind, APIGroup: rbac.GroupName, Name: n}
	}
	return out
}

func user(name string) rbac.Subject {
	return rbac.Subject{Kind: rbac.UserKind, APIGroup: rbac.GroupName, Name: name}
}

func defaultClusterRoleBindings() []*rbac.ClusterRoleBinding {
	return []*rbac.ClusterRoleBinding{
		clusterBinding("cluster-admin", groups(authn.SystemPrivilegedGroup)...),
		clusterBinding("system:monitoring", groups(MonitoringGroup)...),
		clusterBinding("system:discovery", groups(authn.AllAuthenticated)...),
		clusterBinding("system:basic-user", groups(authn.AllAuthenticated)...),
		clusterBinding("system:public-info-viewer", groups(authn.AllAuthenticated, authn.AllUnauthenticated)...),
		clusterBinding("system:node-proxier", user(KubeProxyUser)),
		clusterBinding("system:kube-controller-manager", user(KubeControllerManagerUser)),
		clusterBinding("system:kube-dns", rbac.Subject{Kind: rbac.ServiceAccountKind, Namespace: "kube-system", Name: "kube-dns"}),
		clusterBinding("system:kube-scheduler", user(KubeSchedulerUser)),
		clusterBinding("system:volume-scheduler", user(KubeSchedulerUser)),
		// Binding system:node to the group system:nodes has been deprecated since Kubernetes 1.7,
		// when the Node authorizer came; the binding stays, without subjects, so that reconciling
		// an old cluster removes the group.
		clusterBinding("system:node"),
		// Workloads may read the service account issuer's OIDC discovery documents.
		clusterBinding("system:service-account-issuer-discovery", groups(AllServiceAccountsGroup)...),
	}
}

// BootstrapPolicy returns Kubernetes' default ClusterRoles and ClusterRoleBindings, fresh objects
// on every call, with apiVersion and kind set, labelled kubernetes.io/bootstrapping=rbac-defaults
// and annotated rbac.authorization.kubernetes.io/autoupdate=true. admin, edit and view are
// aggregated from the ClusterRoles labelled rbac.authorization.k8s.io/aggregate-to-<role>, so
// granting more to them is a matter of labelling a new ClusterRole. The roles of the controllers
// skiff's controller manager runs (system:controller:<name>, bound to kube-system/<name>) are
// included; those of controllers skiff does not have are not.
func BootstrapPolicy() (roles []*rbac.ClusterRole, bindings []*rbac.ClusterRoleBinding) {
	ctrl := controllerRoles()
	crs := append(defaultClusterRoles(), ctrl...)
	crbs := append(defaultClusterRoleBindings(), controllerRoleBindings(ctrl)...)
	for _, r := range crs {
		r.TypeMeta = meta.TypeMeta{APIVersion: rbac.APIVersion, Kind: "ClusterRole"}
		addDefaultMetadata(&r.ObjectMeta)
	}
	for _, b := range crbs {
		b.TypeMeta = meta.TypeMeta{APIVersion: rbac.APIVersion, Kind: "ClusterRoleBinding"}
		addDefaultMetadata(&b.ObjectMeta)
	}
	return crs, crbs
}

func addDefaultMetadata(m *meta.ObjectMeta) {
	if m.Labels == nil {
		m.Labels = map[string]string{}
	}
	m.Labels[BootstrappingLabel] = BootstrappingValue
	m.Annotations = map[string]string{rbac.AutoUpdateAnnotationKey: "true"}
}

// EnsureBootstrapPolicy creates the objects of BootstrapPolicy that r does not hold, ClusterRoles
// first, through create: the API server's own create path, so that they get their uid,
// creationTimestamp and resourceVersion as any object does. It leaves existing objects alone, even
// changed ones, and takes an AlreadyExists error from create (another server got there first) as
// success, so it may run at every start. create should act as a member of system:masters, as
// kube-apiserver's bootstrap does: the escalation plugin would otherwise reject cluster-admin.
func EnsureBootstrapPolicy(ctx context.Context, r store.Reader, create func(ctx context.Context, obj meta.Object) error) error {
	crs, crbs := BootstrapPolicy()
	objs := make([]meta.Object, 0, len(crs)+len(crbs))
	for _, o := range crs {
		objs = append(objs, o)
	}
	for _, o := range crbs {
		objs = append(objs, o)
	}
	for _, obj := range objs {
		resource := "clusterroles"
		if _, ok := obj.(*rbac.ClusterRoleBinding); ok {
			resource = "clusterrolebindings"
		}
		name := obj.GetObjectMeta().Name
		_, err := r.Get(ctx, store.Key(resource, "", name))
		if err == nil {
			continue
		}
		if !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("rbac: bootstrap policy: reading %s %q: %w", resource, name, err)
		}
		if err := create(ctx, obj); err != nil && !errors.Is(err, store.ErrAlreadyExists) && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("rbac: bootstrap policy: creating %s %q: %w", resource, name, err)
		}
	}
	return nil
}
