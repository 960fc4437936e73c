package namespacelifecycle

import (
	"context"
	"errors"
	"fmt"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// PluginName is the plugin's name, as --enable-admission-plugins spells it.
const PluginName = "NamespaceLifecycle"

// CauseTypeNamespaceTerminating is the cause Kubernetes attaches to a create refused because its
// namespace is terminating; clients (the garbage collector among them) look for it.
const CauseTypeNamespaceTerminating meta.CauseType = "NamespaceTerminating"

// Options configure the plugin.
type Options struct {
	// ImmortalNamespaces cannot be deleted; default, kube-system and kube-public when nil.
	ImmortalNamespaces []string
}

// Plugin enforces the namespace lifecycle. It is safe for concurrent use.
type Plugin struct {
	namespaces store.Reader
	immortal   map[string]bool
}

// New returns the plugin, which reads namespaces from st.
func New(st store.Reader, opts Options) *Plugin {
	names := opts.ImmortalNamespaces
	if names == nil {
		names = []string{core.NamespaceDefault, core.NamespaceSystem, core.NamespacePublic}
	}
	p := &Plugin{namespaces: st, immortal: make(map[string]bool, len(names))}
	for _, n := range names {
		p.immortal[n] = true
	}
	return p
}

var _ admission.Mutator = (*Plugin)(nil)

// Name returns PluginName.
func (p *Plugin) Name() string { return PluginName }

// Handles creates, updates and deletes; connects (exec, attach, ...) pass.
func (p *Plugin) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update || op == admission.Delete
}

// accessReviewResources give a view into permissions in a namespace. Users may create them in any
// namespace, because a "not found" answer would let anyone probe which namespaces exist.
var accessReviewResources = map[[2]string]bool{
	{"authorization.k8s.io", "localsubjectaccessreviews"}: true,
}

// Admit refuses the request, with the Status Kubernetes answers, when the namespace lifecycle
// forbids it. Kubernetes runs this plugin in its mutating phase, first, so that nothing else works
// on an object that is going nowhere.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	isNamespace := a.Group == core.GroupName && a.Resource == "namespaces"
	if a.Operation == admission.Delete && isNamespace && a.Subresource == "" && p.immortal[a.Name] {
		return apierrors.NewForbidden(apierrors.GroupResource{Resource: a.Resource}, a.Name, errors.New("this namespace may not be deleted"))
	}
	// Cluster-scoped objects, and namespaces themselves, are not in a namespace.
	if a.Namespace == "" || isNamespace {
		return nil
	}
	if a.Operation == admission.Delete || accessReviewResources[[2]string{a.Group, a.Resource}] {
		return nil
	}
	ns, err := store.GetAs[*core.Namespace](ctx, p.namespaces, store.Key("namespaces", "", a.Namespace))
	switch {
	case store.IsNotFound(err):
		return apierrors.NewNotFound(apierrors.GroupResource{Resource: "namespaces"}, a.Namespace)
	case err != nil:
		return apierrors.NewInternalError(fmt.Errorf("namespacelifecycle: reading namespace %s: %w", a.Namespace, err))
	}
	if a.Operation != admission.Create || ns.Status.Phase != core.NamespaceTerminating {
		return nil
	}
	st := apierrors.NewForbidden(apierrors.GroupResource{Group: a.Group, Resource: a.Resource}, objectName(a),
		fmt.Errorf("unable to create new content in namespace %s because it is being terminated", a.Namespace))
	st.Details.Causes = append(st.Details.Causes, meta.StatusCause{
		Type:    CauseTypeNamespaceTerminating,
		Message: fmt.Sprintf("namespace %s is being terminated", a.Namespace),
		Field:   "metadata.namespace",
	})
	return st
}

// objectName is the name Kubernetes' admission errors give the object: the request's name, or the
// object's, or "Unknown" when there is no object to ask.
func objectName(a *admission.Attributes) string {
	if a.Name != "" {
		return a.Name
	}
	if a.Object != nil {
		return a.Object.GetObjectMeta().Name
	}
	return "Unknown"
}
