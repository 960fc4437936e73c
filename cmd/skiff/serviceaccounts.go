package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// defaultServiceAccounts does the work of kube-controller-manager's serviceaccount controller:
// every active namespace has a ServiceAccount named "default", recreated if deleted. The
// ServiceAccount admission plugin refuses pods in a namespace without one, so the API server runs
// this loop itself until skiff has a controller manager.
type defaultServiceAccounts struct {
	st     store.Store
	create func(ctx context.Context, obj meta.Object) error
	log    logr.Logger
}

// run lists namespaces, makes sure each has its account, then follows namespaces and service
// accounts; after a failed list or watch it waits and lists again. It returns when ctx ends, or
// with an error wrapping store.ErrClosed when the store closes.
func (d *defaultServiceAccounts) run(ctx context.Context) error {
	wait := 100 * time.Millisecond
	for {
		err := d.listAndWatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, store.ErrClosed) {
			return fmt.Errorf("default service accounts: %w", err)
		}
		d.log.V(1).Info("Following namespaces for default service accounts failed; listing again", "err", err, "in", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil
		}
		wait = min(2*wait, 10*time.Second)
	}
}

func (d *defaultServiceAccounts) listAndWatch(ctx context.Context) error {
	nss, rev, err := store.ListAs[*core.Namespace](ctx, d.st, store.Prefix("namespaces", ""), store.ListOptions{})
	if err != nil {
		return err
	}
	for _, ns := range nss {
		if err := d.ensure(ctx, ns); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nsw, err := d.st.Watch(ctx, store.Prefix("namespaces", ""), store.WatchOptions{ResourceVersion: rev})
	if err != nil {
		return err
	}
	defer nsw.Stop()
	saw, err := d.st.Watch(ctx, store.Prefix("serviceaccounts", ""), store.WatchOptions{ResourceVersion: rev})
	if err != nil {
		return err
	}
	defer saw.Stop()
	for {
		var ev store.Event
		var ok bool
		select {
		case ev, ok = <-nsw.ResultChan():
		case ev, ok = <-saw.ResultChan():
		}
		if !ok {
			return errors.New("watch closed")
		}
		switch {
		case ev.Type == store.Error:
			return ev.Err
		case ev.Type == store.Added || ev.Type == store.Modified:
			if ns, isNS := ev.Object.(*core.Namespace); isNS {
				if err := d.ensure(ctx, ns); err != nil {
					return err
				}
			}
		case ev.Type == store.Deleted:
			if sa, isSA := ev.Object.(*core.ServiceAccount); isSA && sa.Name == "default" {
				ns, err := store.GetAs[*core.Namespace](ctx, d.st, store.Key("namespaces", "", sa.Namespace))
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if err := d.ensure(ctx, ns); err != nil {
					return err
				}
			}
		}
	}
}

// ensure creates ns's default account if ns is active and has none.
func (d *defaultServiceAccounts) ensure(ctx context.Context, ns *core.Namespace) error {
	if ns.DeletionTimestamp != nil || ns.Status.Phase == core.NamespaceTerminating {
		return nil
	}
	_, err := d.st.Get(ctx, store.Key("serviceaccounts", ns.Name, "default"))
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	sa := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "default", Namespace: ns.Name}}
	err = d.create(ctx, sa)
	switch {
	case err == nil:
		d.log.V(1).Info("Created the default service account", "namespace", ns.Name)
		return nil
	case apierrors.IsAlreadyExists(err):
		return nil
	case apierrors.IsForbidden(err) || apierrors.IsNotFound(err):
		// The namespace began terminating (or went) since we read it: nothing to do.
		return nil
	}
	return err
}
