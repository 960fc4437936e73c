package rbac

// DefaultRoleBinding applies Kubernetes' rbac/v1 defaults: roleRef.apiGroup and each subject's
// apiGroup, see DefaultSubject.
func DefaultRoleBinding(rb *RoleBinding) {
	defaultBinding(&rb.RoleRef, rb.Subjects)
}

// DefaultClusterRoleBinding applies the same defaults as DefaultRoleBinding.
func DefaultClusterRoleBinding(crb *ClusterRoleBinding) {
	defaultBinding(&crb.RoleRef, crb.Subjects)
}

func defaultBinding(ref *RoleRef, subjects []Subject) {
	if ref.APIGroup == "" {
		ref.APIGroup = GroupName
	}
	for i := range subjects {
		DefaultSubject(&subjects[i])
	}
}

// DefaultSubject fills an empty apiGroup: "rbac.authorization.k8s.io" for User and Group
// subjects; a ServiceAccount subject keeps "" (the core group).
func DefaultSubject(s *Subject) {
	if s.APIGroup != "" {
		return
	}
	switch s.Kind {
	case UserKind, GroupKind:
		s.APIGroup = GroupName
	}
}
