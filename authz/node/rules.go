package node

import (
	"slices"

	"github.com/skiff-io/skiff/authz"
)

// rule grants verbs on resources ("pods", or "pods/status" for a subresource) of API groups.
type rule struct {
	groups    []string
	resources []string
	verbs     []string
}

// nodeRules are the rules of Kubernetes' system:node ClusterRole (bootstrappolicy.NodeRules), which
// the Node authorizer applies to every node for whatever its graph does not decide. Where a rule
// names a resource the graph decides (secrets, leases, ...), the rule is never reached; it is kept
// so that the table reads like Kubernetes'. Writes they allow to any node's objects are narrowed by
// NodeRestriction to the node's own.
var nodeRules = []rule{
	// Needed to check API access; these creates change nothing.
	{[]string{groupAuthn}, []string{"tokenreviews"}, []string{"create"}},
	{[]string{groupAuthz}, []string{"subjectaccessreviews", "localsubjectaccessreviews"}, []string{"create"}},
	// Services become environment variables in containers.
	{[]string{groupCore}, []string{"services"}, []string{"get", "list", "watch"}},
	// A kubelet registers its Node and reports its status.
	{[]string{groupCore}, []string{"nodes"}, []string{"create", "get", "list", "watch"}},
	{[]string{groupCore}, []string{"nodes/status"}, []string{"update", "patch"}},
	{[]string{groupCore}, []string{"nodes"}, []string{"update", "patch"}},
	{[]string{groupCore}, []string{"events"}, []string{"create", "update", "patch"}},
	// Pod reads are not here: as with Kubernetes' AuthorizeNodeWithSelectors (on by default since
	// 1.32), authorizePod allows a get of a pod bound to the node and a list or watch selecting
	// spec.nodeName=<node>, and nothing wider.
	// Mirror pods, pod status and evictions; NodeRestriction keeps each to pods bound to the node.
	{[]string{groupCore}, []string{"pods"}, []string{"create", "delete"}},
	{[]string{groupCore}, []string{"pods/status"}, []string{"update", "patch"}},
	{[]string{groupCore}, []string{"pods/eviction"}, []string{"create"}},
	{[]string{groupCore}, []string{"secrets", "configmaps"}, []string{"get", "list", "watch"}},
	{[]string{groupCore}, []string{"persistentvolumeclaims", "persistentvolumes"}, []string{"get"}},
	{[]string{groupCore}, []string{"endpoints"}, []string{"get"}},
	// Client certificate rotation.
	{[]string{groupCertificates}, []string{"certificatesigningrequests"}, []string{"create", "get", "list", "watch"}},
	{[]string{groupCoordination}, []string{"leases"}, []string{"get", "create", "update", "patch", "delete"}},
	{[]string{groupStorage}, []string{"volumeattachments"}, []string{"get"}},
	{[]string{groupCore}, []string{"serviceaccounts/token"}, []string{"create"}},
	{[]string{groupCore}, []string{"persistentvolumeclaims/status"}, []string{"get", "update", "patch"}},
	{[]string{groupStorage}, []string{"csidrivers"}, []string{"get", "watch", "list"}},
	{[]string{groupStorage}, []string{"csinodes"}, []string{"get", "create", "update", "patch", "delete"}},
	{[]string{groupNode}, []string{"runtimeclasses"}, []string{"get", "list", "watch"}},
	{[]string{groupResource}, []string{"resourceclaims"}, []string{"get"}},
}

// rulesAllow reports whether a node rule grants a resource request. The rules name no URLs, so
// they grant no non-resource request.
func rulesAllow(a authz.Attributes) bool {
	if !a.ResourceRequest {
		return false
	}
	resource := a.Resource
	if a.Subresource != "" {
		resource += "/" + a.Subresource
	}
	for _, r := range nodeRules {
		if slices.Contains(r.verbs, a.Verb) && slices.Contains(r.groups, a.APIGroup) && slices.Contains(r.resources, resource) {
			return true
		}
	}
	return false
}
