// Package abac is Kubernetes' ABAC authorizer (--authorization-mode=ABAC with
// --authorization-policy-file): a file of policies, one JSON object a line, each granting a user or
// group access to resources or to non-resource paths. A request that some policy matches is
// allowed; any other gets NoOpinion, so that a later authorizer may still allow it.
//
//	// policy.jsonl:
//	// {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"alice","namespace":"*","resource":"*","apiGroup":"*"}}
//	// {"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"group":"system:authenticated","readonly":true,"nonResourcePath":"/version"}}
//	a, err := abac.Load("policy.jsonl")
//	if err != nil {
//		return err // error reading policy file policy.jsonl, line 2: ...: abac: invalid policy: ...
//	}
//	d, _, _ := a.Authorize(ctx, authz.Attributes{User: alice, Verb: "delete", ResourceRequest: true, Resource: "pods", Namespace: "dev"})
//	// d == authz.Allow
//
// Blank lines and lines starting with # are skipped. Lines without apiVersion or kind are read in
// the unversioned format of Kubernetes 1.0 ({"user":"alice","readonly":true}) and converted as
// Kubernetes converts them.
package abac
