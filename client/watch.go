package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/skiff-io/skiff/api/meta"
)

// EventType is the type of a watch event.
type EventType string

// The event types of a watch stream.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	// Bookmark carries only the revision the watch has reached (Object's resourceVersion), so that
	// a watch restarted from it misses nothing.
	Bookmark EventType = "BOOKMARK"
	// Error carries a Status instead of an object; a 410 (apierrors.IsGone or IsResourceExpired)
	// means the revision the watch asked for is no longer in the server's history: list again.
	Error EventType = "ERROR"
)

// Event is one change seen by a watch. A DELETED event carries the object's last state.
type Event[T meta.Object] struct {
	Type   EventType
	Object T
	// Status is set on Error events.
	Status *meta.Status
}

// Watch is a running watch. Read Events until it closes: the server ended the watch (its timeout,
// a restart, a broken connection) or Stop was called. Then watch again from the last revision seen.
type Watch[T meta.Object] struct {
	ch     chan Event[T]
	cancel context.CancelFunc
	once   sync.Once
	done   chan struct{}
}

// Events returns the channel events arrive on; it closes when the watch ends.
func (w *Watch[T]) Events() <-chan Event[T] { return w.ch }

// Stop ends the watch and waits until its channel is closed; it is safe to call more than once and
// from any goroutine.
func (w *Watch[T]) Stop() {
	w.once.Do(w.cancel)
	<-w.done
}

// Watch starts watching the objects opts select, from opts.ResourceVersion (from now, when empty
// or "0" after the current state has been sent as ADDED events, as Kubernetes does).
func (r *Resource[T]) Watch(ctx context.Context, opts ListOptions) (*Watch[T], error) {
	ns, err := r.target("watch", "", nil)
	if err != nil {
		return nil, err
	}
	q := opts.query()
	q.Set("watch", "true")
	ctx, cancel := context.WithCancel(ctx)
	resp, done, err := r.c.send(ctx, Request{Method: http.MethodGet, Path: r.path(ns, "", ""), Query: q}, true)
	if err != nil {
		cancel()
		return nil, err
	}
	w := &Watch[T]{ch: make(chan Event[T]), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		defer close(w.ch)
		defer done()
		defer resp.Body.Close()
		r.stream(ctx, resp.Body, w.ch)
	}()
	return w, nil
}

type wireEvent struct {
	Type   EventType       `json:"type"`
	Object json.RawMessage `json:"object"`
}

// stream decodes events from body onto ch until the body ends or ctx is done.
func (r *Resource[T]) stream(ctx context.Context, body io.Reader, ch chan<- Event[T]) {
	dec := json.NewDecoder(body)
	for {
		var we wireEvent
		if err := dec.Decode(&we); err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil || errors.Is(err, io.ErrUnexpectedEOF) {
				return // the server or the caller ended the watch
			}
			r.send(ctx, ch, errorEvent[T](fmt.Sprintf("client: watch of %s: undecodable event: %v", r.kind.Resource, err)))
			return
		}
		ev := Event[T]{Type: we.Type}
		switch we.Type {
		case Added, Modified, Deleted, Bookmark:
			obj, err := r.decode(we.Object)
			if err != nil {
				r.send(ctx, ch, errorEvent[T](fmt.Sprintf("client: watch of %s: %v", r.kind.Resource, err)))
				return
			}
			ev.Object = obj
		case Error:
			st := &meta.Status{}
			if err := json.Unmarshal(we.Object, st); err != nil || st.Kind != "Status" {
				st = meta.NewStatus(http.StatusInternalServerError, meta.StatusReasonInternalError,
					fmt.Sprintf("client: watch of %s: an ERROR event without a Status: %s", r.kind.Resource, we.Object))
			}
			ev.Status = st
		default:
			r.send(ctx, ch, errorEvent[T](fmt.Sprintf("client: watch of %s: unknown event type %q", r.kind.Resource, we.Type)))
			return
		}
		if !r.send(ctx, ch, ev) {
			return
		}
	}
}

func (r *Resource[T]) send(ctx context.Context, ch chan<- Event[T], ev Event[T]) bool {
	select {
	case ch <- ev:
		return true
	case <-ctx.Done():
		return false
	}
}

func errorEvent[T meta.Object](msg string) Event[T] {
	return Event[T]{Type: Error, Status: meta.NewStatus(http.StatusInternalServerError, meta.StatusReasonInternalError, msg)}
}
