// Package authorization holds the review kinds of Kubernetes' "authorization.k8s.io" group, version
// v1: SubjectAccessReview, SelfSubjectAccessReview, LocalSubjectAccessReview and
// SelfSubjectRulesReview. None is ever stored: a client creates one to ask the API server's
// authorizer a question ("may jane list pods in dev?", "what may I do in dev?") and the server answers
// the create with the same object, its status filled. `kubectl auth can-i` is built on them.
//
//	sar := &authorization.SubjectAccessReview{Spec: authorization.SubjectAccessReviewSpec{
//		User: "jane",
//		ResourceAttributes: &authorization.ResourceAttributes{
//			Namespace: "dev", Verb: "list", Resource: "pods",
//		},
//	}}
//	if errs := authorization.ValidateSubjectAccessReview(sar); len(errs) > 0 {
//		return apierrors.NewInvalid(apierrors.GroupKind{Group: authorization.GroupName, Kind: "SubjectAccessReview"}, "", errs)
//	}
//	// the server fills sar.Status: Allowed, Denied, Reason, EvaluationError
package authorization

//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// GroupName is the API group of this package's kinds.
const GroupName = "authorization.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// APIVersion is what the kinds of this package carry in apiVersion.
const APIVersion = GroupName + "/" + Version
