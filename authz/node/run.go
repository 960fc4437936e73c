package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/store"
)

// ErrWatchClosed means the pod watch ended before its context did; Run lists again.
var ErrWatchClosed = errors.New("node: pod watch closed")

// Waits between failed attempts to list and watch, doubling from the first to the last.
const (
	firstRetry = 100 * time.Millisecond
	lastRetry  = 10 * time.Second
)

// Run fills the graph with a list of pods, then follows a watch from the list's revision. When the
// watch fails (the store compacted past it, or it closed) Run lists again and replaces the graph;
// when a list fails it waits, longer each time, and tries again. It blocks until ctx is done and
// then returns nil; it returns early only when the store is closed, with an error wrapping
// store.ErrClosed.
func (a *Authorizer) Run(ctx context.Context) error {
	wait := firstRetry
	for {
		watched, err := a.listAndWatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, store.ErrClosed) {
			return fmt.Errorf("node authorizer: %w", err)
		}
		if watched {
			// The list and the watch worked, so the store is there: a watch that ends has usually
			// fallen behind the store's history, and listing again at once is the cure.
			wait = firstRetry
			a.opts.Logger.V(2).Info("Pod watch ended; listing again", "err", err)
			continue
		}
		a.opts.Logger.Error(err, "Listing and watching pods for the node authorizer failed", "retryIn", wait)
		select {
		case <-a.opts.Clock.After(wait):
		case <-ctx.Done():
			return nil
		}
		wait = min(2*wait, lastRetry)
	}
}

// listAndWatch lists pods into the graph and applies the watch that follows until it fails.
// watched says whether both the list and the start of the watch succeeded.
func (a *Authorizer) listAndWatch(ctx context.Context) (watched bool, err error) {
	res, err := a.src.List(ctx, a.opts.PodPrefix, store.ListOptions{})
	if err != nil {
		return false, fmt.Errorf("listing pods: %w", err)
	}
	pods := make([]*core.Pod, 0, len(res.Items))
	for _, o := range res.Items {
		pod, ok := o.(*core.Pod)
		if !ok {
			return false, fmt.Errorf("listing pods: %w: %s holds a %T", store.ErrInvalidObject, a.opts.PodPrefix, o)
		}
		pods = append(pods, pod)
	}
	rev := res.Revision
	a.graph.replace(pods, rev)
	w, err := a.src.Watch(ctx, a.opts.PodPrefix, store.WatchOptions{ResourceVersion: rev, AllowBookmarks: true})
	if err != nil {
		return false, fmt.Errorf("watching pods: %w", err)
	}
	defer w.Stop()
	for ev := range w.ResultChan() {
		switch ev.Type {
		case store.Added, store.Modified:
			pod, ok := ev.Object.(*core.Pod)
			if !ok {
				return true, fmt.Errorf("watching pods: %w: %s holds a %T", store.ErrInvalidObject, ev.Key, ev.Object)
			}
			a.graph.setPod(pod, ev.Revision)
		case store.Deleted:
			m := ev.Object.GetObjectMeta()
			a.graph.deletePod(m.Namespace, m.Name, ev.Revision)
		case store.Bookmark:
			a.graph.advance(ev.Revision)
		case store.Error:
			return true, fmt.Errorf("watching pods: %w", ev.Err)
		}
	}
	return true, ErrWatchClosed
}
