package webhook

import (
	"context"
	"errors"

	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/store"
)

// MutatingSource gives the MutatingWebhookConfigurations in force. The plugin reads them on every
// request and treats them as read-only; it caches what it derives from each by identity, so a
// source that returns the same pointer for an unchanged configuration (as a store or an informer
// does) saves that work.
type MutatingSource interface {
	MutatingWebhookConfigurations(ctx context.Context) ([]*admissionregistration.MutatingWebhookConfiguration, error)
}

// ValidatingSource gives the ValidatingWebhookConfigurations in force; see MutatingSource.
type ValidatingSource interface {
	ValidatingWebhookConfigurations(ctx context.Context) ([]*admissionregistration.ValidatingWebhookConfiguration, error)
}

// NamespaceGetter gives the labels of a namespace, which namespaceSelectors match. A namespace
// that does not exist is an error: a *meta.Status NotFound, which rejects the request as
// kube-apiserver does, or any other error, which rejects it as an internal error.
type NamespaceGetter interface {
	NamespaceLabels(ctx context.Context, name string) (map[string]string, error)
}

// NamespaceLabelsFunc adapts a function to a NamespaceGetter.
type NamespaceLabelsFunc func(ctx context.Context, name string) (map[string]string, error)

// NamespaceLabels calls f.
func (f NamespaceLabelsFunc) NamespaceLabels(ctx context.Context, name string) (map[string]string, error) {
	return f(ctx, name)
}

var _ NamespaceGetter = NamespaceLabelsFunc(nil)

// The store prefixes of the configurations, as the built-in registry keys them.
const (
	MutatingPrefix   = "/registry/mutatingwebhookconfigurations/"
	ValidatingPrefix = "/registry/validatingwebhookconfigurations/"
)

// StoreSource reads configurations and namespaces from a store. It is a MutatingSource, a
// ValidatingSource and a NamespaceGetter.
type StoreSource struct {
	r store.Reader
}

var (
	_ MutatingSource   = (*StoreSource)(nil)
	_ ValidatingSource = (*StoreSource)(nil)
	_ NamespaceGetter  = (*StoreSource)(nil)
)

// FromStore returns a source that lists the configurations under MutatingPrefix and
// ValidatingPrefix and reads namespaces at store.Key("namespaces", "", name).
func FromStore(r store.Reader) *StoreSource { return &StoreSource{r: r} }

// MutatingWebhookConfigurations lists the store's MutatingWebhookConfigurations.
func (s *StoreSource) MutatingWebhookConfigurations(ctx context.Context) ([]*admissionregistration.MutatingWebhookConfiguration, error) {
	out, _, err := store.ListAs[*admissionregistration.MutatingWebhookConfiguration](ctx, s.r, MutatingPrefix, store.ListOptions{})
	return out, err
}

// ValidatingWebhookConfigurations lists the store's ValidatingWebhookConfigurations.
func (s *StoreSource) ValidatingWebhookConfigurations(ctx context.Context) ([]*admissionregistration.ValidatingWebhookConfiguration, error) {
	out, _, err := store.ListAs[*admissionregistration.ValidatingWebhookConfiguration](ctx, s.r, ValidatingPrefix, store.ListOptions{})
	return out, err
}

// NamespaceLabels reads a namespace's labels; a missing namespace is a NotFound status.
func (s *StoreSource) NamespaceLabels(ctx context.Context, name string) (map[string]string, error) {
	ns, err := store.GetAs[*core.Namespace](ctx, s.r, store.Key("namespaces", "", name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierrors.NewNotFound(apierrors.GroupResource{Resource: "namespaces"}, name)
	}
	if err != nil {
		return nil, err
	}
	return ns.Labels, nil
}
