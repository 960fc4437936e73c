package node

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/store"
)

// Kubelets' identity: user system:node:<nodeName> in group system:nodes, as their client
// certificates (CN and O) say.
const (
	NodeUserPrefix = "system:node:"
	NodesGroup     = "system:nodes"
)

// NodeIdentity returns the node a user speaks for. isNode is false for anyone who is not a node:
// a name without the system:node: prefix, or a user outside system:nodes. A node whose name is
// missing ("system:node:") is a node with name "", which nothing allows.
func NodeIdentity(u authn.User) (nodeName string, isNode bool) {
	name, ok := strings.CutPrefix(u.Name, NodeUserPrefix)
	if !ok {
		return "", false
	}
	for _, g := range u.Groups {
		if g == NodesGroup {
			return name, true
		}
	}
	return "", false
}

// Source is where the authorizer reads pods: a store.Store, or anything that lists and watches
// like one.
type Source interface {
	List(ctx context.Context, prefix string, opts store.ListOptions) (*store.ListResult, error)
	Watch(ctx context.Context, prefix string, opts store.WatchOptions) (store.Watch, error)
}

// Options configure an Authorizer.
type Options struct {
	// PodPrefix is the store prefix of pods; store.Prefix("pods", "") by default.
	PodPrefix string
	// Logger receives list and watch failures.
	Logger logr.Logger
	// Clock times the waits between failed lists; the real clock when nil.
	Clock clock.Clock
}

// Authorizer is the Node authorizer. Its graph is empty until Run has read the first list of pods.
type Authorizer struct {
	src   Source
	opts  Options
	graph *graph
}

var _ authz.Authorizer = (*Authorizer)(nil)

// New returns a Node authorizer over the pods in src. Call Run to fill and follow its graph.
func New(src Source, opts Options) *Authorizer {
	if opts.PodPrefix == "" {
		opts.PodPrefix = store.Prefix("pods", "")
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	return &Authorizer{src: src, opts: opts, graph: newGraph()}
}

// HasSynced reports whether the graph holds the first list of pods.
func (a *Authorizer) HasSynced() bool { return a.graph.hasSynced() }

// WaitFor blocks until the graph has the first list of pods and every pod change up to store
// revision rev (0: just the first list), or ctx ends. Changes to other objects never reach the
// graph, so rev should be the revision of a pod write (or the store's revision at some earlier
// moment, which a bookmark may take a while to reach).
func (a *Authorizer) WaitFor(ctx context.Context, rev int64) error { return a.graph.waitFor(ctx, rev) }

// API groups of the resources the authorizer looks at.
const (
	groupCore         = ""
	groupCoordination = "coordination.k8s.io"
	groupStorage      = "storage.k8s.io"
	groupResource     = "resource.k8s.io"
	groupAuthn        = "authentication.k8s.io"
	groupAuthz        = "authorization.k8s.io"
	groupCertificates = "certificates.k8s.io"
	groupNode         = "node.k8s.io"
)

// reasonNoObjectName is Kubernetes' reason for a graph-checked request that names no object.
const reasonNoObjectName = "No Object name found"

// Authorize decides a request as Kubernetes' Node authorizer does. Requests by users that are not
// nodes get NoOpinion with no reason. Secrets, configmaps, persistentvolumeclaims, resourceclaims
// and serviceaccount tokens are allowed only when the graph relates them to the node; leases only
// for the node's own Lease in kube-node-lease; everything else by the fixed rules of the
// system:node role. What is not allowed gets NoOpinion with Kubernetes' reason, never Deny, so
// that RBAC can still grant it. It never returns an error.
func (a *Authorizer) Authorize(_ context.Context, attrs authz.Attributes) (authz.Decision, string, error) {
	nodeName, isNode := NodeIdentity(attrs.User)
	if !isNode {
		return authz.NoOpinion, "", nil
	}
	if nodeName == "" {
		return authz.NoOpinion, fmt.Sprintf("unknown node for user %q", attrs.User.Name), nil
	}
	if attrs.ResourceRequest {
		switch attrs.APIGroup + "/" + attrs.Resource {
		case groupCore + "/pods":
			if attrs.Subresource == "" {
				if d, reason, decided := a.authorizePod(nodeName, attrs); decided {
					return d, reason, nil
				}
			}
		case groupCore + "/secrets":
			return a.authorizeRead(nodeName, kindSecret, attrs)
		case groupCore + "/configmaps":
			return a.authorizeRead(nodeName, kindConfigMap, attrs)
		case groupCore + "/persistentvolumeclaims":
			if attrs.Subresource == "status" {
				return a.authorizeStatusUpdate(nodeName, kindPVC, attrs)
			}
			return a.authorizeGet(nodeName, kindPVC, attrs)
		case groupResource + "/resourceclaims":
			return a.authorizeGet(nodeName, kindResourceClaim, attrs)
		case groupCore + "/persistentvolumes", groupStorage + "/volumeattachments":
			// Kubernetes relates these to a node through PVCs and through VolumeAttachment.spec.nodeName;
			// skiff serves neither kind, so no such object can be related to a node.
			if d, reason, ok := checkGet(attrs); !ok {
				return d, reason, nil
			}
			if attrs.Name == "" {
				return authz.NoOpinion, reasonNoObjectName, nil
			}
			return authz.NoOpinion, noRelationship(nodeName), nil
		case groupCore + "/serviceaccounts":
			return a.authorizeCreateToken(nodeName, attrs)
		case groupCoordination + "/leases":
			return authorizeLease(nodeName, attrs)
		case groupStorage + "/csinodes":
			return authorizeCSINode(nodeName, attrs)
		}
	}
	if rulesAllow(attrs) {
		return authz.Allow, "", nil
	}
	return authz.NoOpinion, "", nil
}

func noRelationship(nodeName string) string {
	return fmt.Sprintf("no relationship found between node '%s' and this object", nodeName)
}

// authorizePod decides reads of pods, as Kubernetes' Node authorizer does with
// AuthorizeNodeWithSelectors: a get of a pod bound to the node, and a list or watch whose field
// selector requires spec.nodeName=<node> (the kubelet's own watch). Other verbs (creating and
// deleting mirror pods) are left to the fixed rules: decided is false.
func (a *Authorizer) authorizePod(nodeName string, attrs authz.Attributes) (d authz.Decision, reason string, decided bool) {
	switch attrs.Verb {
	case "get":
		if attrs.Name == "" {
			return authz.NoOpinion, reasonNoObjectName, true
		}
		if !a.graph.podOnNode(nodeName, attrs.Namespace, attrs.Name) {
			return authz.NoOpinion, noRelationship(nodeName), true
		}
		return authz.Allow, "", true
	case "list", "watch":
		if attrs.FieldSelector != nil {
			if v, ok := attrs.FieldSelector.RequiresExactMatch("spec.nodeName"); ok && v == nodeName {
				return authz.Allow, "", true
			}
		}
		return authz.NoOpinion, "can only list/watch pods with spec.nodeName field selector", true
	}
	return authz.NoOpinion, "", false
}

// authorizeRead allows get, list and watch of one named object the node's pods reference. A list or
// watch carries a name when the client selected metadata.name, as kubelets do to watch each secret
// and configmap they use.
func (a *Authorizer) authorizeRead(nodeName string, k kind, attrs authz.Attributes) (authz.Decision, string, error) {
	switch attrs.Verb {
	case "get", "list", "watch":
	default:
		return authz.NoOpinion, "can only read resources of this type", nil
	}
	if attrs.Subresource != "" {
		return authz.NoOpinion, "cannot read subresource", nil
	}
	if attrs.Namespace == "" {
		return authz.NoOpinion, "can only read namespaced object of this type", nil
	}
	return a.authorizeRelated(nodeName, k, attrs)
}

// checkGet passes a get of a whole object; otherwise it returns Kubernetes' reason.
func checkGet(attrs authz.Attributes) (authz.Decision, string, bool) {
	if attrs.Verb != "get" {
		return authz.NoOpinion, "can only get individual resources of this type", false
	}
	if attrs.Subresource != "" {
		return authz.NoOpinion, "cannot get subresource", false
	}
	return authz.NoOpinion, "", true
}

func (a *Authorizer) authorizeGet(nodeName string, k kind, attrs authz.Attributes) (authz.Decision, string, error) {
	if d, reason, ok := checkGet(attrs); !ok {
		return d, reason, nil
	}
	return a.authorizeRelated(nodeName, k, attrs)
}

// authorizeStatusUpdate allows update and patch of the status of an object the node's pods
// reference (a PVC whose volume the kubelet expanded).
func (a *Authorizer) authorizeStatusUpdate(nodeName string, k kind, attrs authz.Attributes) (authz.Decision, string, error) {
	switch attrs.Verb {
	case "update", "patch":
	default:
		// Kubernetes' words, although get is not among the verbs it allows.
		return authz.NoOpinion, "can only get/update/patch this type", nil
	}
	if attrs.Subresource != "status" {
		return authz.NoOpinion, "can only update status subresource", nil
	}
	return a.authorizeRelated(nodeName, k, attrs)
}

func (a *Authorizer) authorizeRelated(nodeName string, k kind, attrs authz.Attributes) (authz.Decision, string, error) {
	if attrs.Name == "" {
		return authz.NoOpinion, reasonNoObjectName, nil
	}
	if !a.graph.related(nodeName, ref{k, attrs.Namespace, attrs.Name}) {
		return authz.NoOpinion, noRelationship(nodeName), nil
	}
	return authz.Allow, "", nil
}

// authorizeCreateToken allows creating tokens (serviceaccounts/token) for the service accounts of
// the node's pods; NodeRestriction then checks that each token is bound to one of those pods.
func (a *Authorizer) authorizeCreateToken(nodeName string, attrs authz.Attributes) (authz.Decision, string, error) {
	if attrs.Verb != "create" || attrs.Name == "" {
		return authz.NoOpinion, "can only create tokens for individual service accounts", nil
	}
	if attrs.Subresource != "token" {
		return authz.NoOpinion, "can only create token subresource of serviceaccount", nil
	}
	if !a.graph.related(nodeName, ref{kindServiceAccount, attrs.Namespace, attrs.Name}) {
		return authz.NoOpinion, noRelationship(nodeName), nil
	}
	return authz.Allow, "", nil
}

// authorizeLease allows a node its own Lease in kube-node-lease, its heartbeat. A create carries no
// name yet, so NodeRestriction checks the name of the Lease created.
func authorizeLease(nodeName string, attrs authz.Attributes) (authz.Decision, string, error) {
	switch attrs.Verb {
	case "get", "create", "update", "patch", "delete":
	default:
		return authz.NoOpinion, "can only get, create, update, patch, or delete a node lease", nil
	}
	if attrs.Namespace != core.NamespaceNodeLease {
		return authz.NoOpinion, fmt.Sprintf("can only access leases in the %q system namespace", core.NamespaceNodeLease), nil
	}
	if attrs.Verb != "create" && attrs.Name != nodeName {
		return authz.NoOpinion, "can only access node lease with the same name as the requesting node", nil
	}
	return authz.Allow, "", nil
}

// authorizeCSINode allows a node its own CSINode object; NodeRestriction checks the name on create.
func authorizeCSINode(nodeName string, attrs authz.Attributes) (authz.Decision, string, error) {
	switch attrs.Verb {
	case "get", "create", "update", "patch", "delete":
	default:
		return authz.NoOpinion, "can only get, create, update, patch, or delete a CSINode", nil
	}
	if attrs.Subresource != "" {
		return authz.NoOpinion, "cannot authorize CSINode subresources", nil
	}
	if attrs.Verb != "create" && attrs.Name != nodeName {
		return authz.NoOpinion, "can only access CSINode with the same name as the requesting node", nil
	}
	return authz.Allow, "", nil
}
