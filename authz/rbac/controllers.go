package rbac

import "github.com/skiff-io/skiff/api/rbac"

// ControllerRolePrefix starts the names of the roles of kube-controller-manager's controllers,
// each bound to the service account kube-system/<rest of the name>, which the controller manager
// acts as when it runs with --use-service-account-credentials.
const ControllerRolePrefix = "system:controller:"

// controllerRoles are the roles of the controllers skiff's controller manager runs, with the rules
// Kubernetes gives them.
func controllerRoles() []*rbac.ClusterRole {
	return []*rbac.ClusterRole{
		newClusterRole(ControllerRolePrefix+"deployment-controller", nil,
			newRule("get", "list", "watch", "update").groups(appsGroup, extensionsGroup).resources("deployments").rule(),
			newRule("update").groups(appsGroup, extensionsGroup).resources("deployments/finalizers", "deployments/status").rule(),
			newRule("get", "list", "watch", "create", "update", "patch", "delete").groups(appsGroup, extensionsGroup).resources("replicasets").rule(),
			// Recreate needs to read the pods; the rest is the replicaset controller's job.
			newRule("get", "list", "watch", "update").groups(legacyGroup).resources("pods").rule(),
			eventsRule()),
		newClusterRole(ControllerRolePrefix+"replicaset-controller", nil,
			newRule("get", "list", "watch", "update").groups(appsGroup, extensionsGroup).resources("replicasets").rule(),
			newRule("update").groups(appsGroup, extensionsGroup).resources("replicasets/finalizers", "replicasets/status").rule(),
			newRule("list", "watch", "patch", "create", "delete").groups(legacyGroup).resources("pods").rule(),
			eventsRule()),
		newClusterRole(ControllerRolePrefix+"generic-garbage-collector", nil,
			newRule("get", "list", "watch", "patch", "update", "delete").groups("*").resources("*").rule(),
			eventsRule()),
		newClusterRole(ControllerRolePrefix+"namespace-controller", nil,
			newRule("get", "list", "watch", "delete").groups(legacyGroup).resources("namespaces").rule(),
			newRule("update").groups(legacyGroup).resources("namespaces/finalize", "namespaces/status").rule(),
			newRule("get", "list", "delete", "deletecollection").groups("*").resources("*").rule()),
		newClusterRole(ControllerRolePrefix+"node-controller", nil,
			newRule("get", "list", "update", "delete", "patch").groups(legacyGroup).resources("nodes").rule(),
			newRule("patch", "update").groups(legacyGroup).resources("nodes/status").rule(),
			newRule("patch", "update").groups(legacyGroup).resources("pods/status").rule(),
			newRule("list", "delete").groups(legacyGroup).resources("pods").rule(),
			eventsRule()),
		newClusterRole(ControllerRolePrefix+"service-account-controller", nil,
			newRule("create").groups(legacyGroup).resources("serviceaccounts").rule(),
			eventsRule()),
		newClusterRole(ControllerRolePrefix+"resourcequota-controller", nil,
			newRule("list", "watch").groups("*").resources("*").rule(),
			newRule("update").groups(legacyGroup).resources("resourcequotas/status").rule(),
			eventsRule()),
	}
}

// controllerRoleBindings bind each controller role to its service account in kube-system.
func controllerRoleBindings(roles []*rbac.ClusterRole) []*rbac.ClusterRoleBinding {
	out := make([]*rbac.ClusterRoleBinding, 0, len(roles))
	for _, r := range roles {
		sa := r.Name[len(ControllerRolePrefix):]
		out = append(out, clusterBinding(r.Name, rbac.Subject{Kind: rbac.ServiceAccountKind, Namespace: "kube-system", Name: sa}))
	}
	return out
}
