// Package rbac holds the role-based access control objects of Kubernetes' "rbac.authorization.k8s.io"
// group, version v1: Role, ClusterRole, RoleBinding and ClusterRoleBinding, with Kubernetes'
// defaulting and validation.
//
//	rb := &rbac.RoleBinding{
//		ObjectMeta: meta.ObjectMeta{Name: "read-pods", Namespace: "default"},
//		Subjects:   []rbac.Subject{{Kind: rbac.UserKind, Name: "jane"}},
//		RoleRef:    rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "Role", Name: "pod-reader"},
//	}
//	rbac.DefaultRoleBinding(rb) // subjects[0].apiGroup = "rbac.authorization.k8s.io"
//	if errs := rbac.ValidateRoleBinding(rb); len(errs) > 0 {
//		return errs.ToAggregate()
//	}
package rbac

//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// GroupName is the API group of this package's kinds.
const GroupName = "rbac.authorization.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// APIVersion is what the kinds of this package carry in apiVersion.
const APIVersion = GroupName + "/" + Version
