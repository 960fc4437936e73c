package serviceaccount

import (
	"context"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/store"
)

// Lookup reads the objects a token depends on, so that a token stops working when its service
// account, or the pod or secret it is bound to, is deleted, however long it had left. An object
// that does not exist is an error wrapping store.ErrNotFound, as store.Reader reports it; any other
// error also rejects the token, since a token that cannot be checked is not trusted.
//
// The objects returned are shared and read-only. The API server wires Lookup to its store (see
// StoreLookup) or to an informer cache in front of it.
type Lookup interface {
	ServiceAccount(ctx context.Context, namespace, name string) (*core.ServiceAccount, error)
	Pod(ctx context.Context, namespace, name string) (*core.Pod, error)
	Secret(ctx context.Context, namespace, name string) (*core.Secret, error)
}

// StoreLookup returns a Lookup that reads r at the keys the API server stores these kinds at
// (store.Key("serviceaccounts", namespace, name), and likewise "pods" and "secrets").
func StoreLookup(r store.Reader) Lookup {
	return storeLookup{r: r}
}

type storeLookup struct{ r store.Reader }

func (l storeLookup) ServiceAccount(ctx context.Context, namespace, name string) (*core.ServiceAccount, error) {
	return store.GetAs[*core.ServiceAccount](ctx, l.r, store.Key("serviceaccounts", namespace, name))
}

func (l storeLookup) Pod(ctx context.Context, namespace, name string) (*core.Pod, error) {
	return store.GetAs[*core.Pod](ctx, l.r, store.Key("pods", namespace, name))
}

func (l storeLookup) Secret(ctx context.Context, namespace, name string) (*core.Secret, error) {
	return store.GetAs[*core.Secret](ctx, l.r, store.Key("secrets", namespace, name))
}
