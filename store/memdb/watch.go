package memdb

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/skiff-io/skiff/store"
)

// history keeps the most recent events, one per revision with no gaps, so that a watcher finds the
// events after its revision by arithmetic. Watchers pull from it at their own pace: a slow watcher
// costs no buffer of its own and slows nobody; if it falls behind the oldest kept event it gets an
// error and relists, as a Kubernetes client does after 410 Gone.
type history struct {
	mu     sync.RWMutex
	events []store.Event // events[i].Revision == first+i
	first  int64         // revision of events[0]; when events is empty, the next revision
	size   int
	notify chan struct{} // closed and replaced on every append
	closed bool
}

func newHistory(size int, rev int64) *history {
	return &history{first: rev + 1, size: size, notify: make(chan struct{})}
}

// append adds the events of one commit, in revision order, and wakes the watchers.
func (h *history) append(evs []store.Event) {
	h.mu.Lock()
	h.events = append(h.events, evs...)
	if over := len(h.events) - h.size; over > 0 && over >= h.size/4 {
		// Trim in chunks into a fresh array: slices already handed to watchers stay valid.
		h.events = append(make([]store.Event, 0, h.size+h.size/4), h.events[over:]...)
		h.first += int64(over)
	}
	close(h.notify)
	h.notify = make(chan struct{})
	h.mu.Unlock()
}

func (h *history) close() {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.notify)
	}
	h.mu.Unlock()
}

// since returns the events after rev and a channel closed when more arrive. tooOld is true when
// events after rev were already dropped.
func (h *history) since(rev int64) (evs []store.Event, wait <-chan struct{}, tooOld, closed bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if rev+1 < h.first {
		return nil, nil, true, h.closed
	}
	if i := rev + 1 - h.first; i < int64(len(h.events)) {
		evs = h.events[i:len(h.events):len(h.events)]
	}
	return evs, h.notify, false, h.closed
}

// oldest is the oldest revision a watch may start after.
func (h *history) oldest() int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.first - 1
}

type watcher struct {
	out    chan store.Event
	cancel context.CancelFunc
	done   chan struct{}
}

func (w *watcher) ResultChan() <-chan store.Event { return w.out }

func (w *watcher) Stop() {
	w.cancel()
	<-w.done
}

// Watch streams changes under prefix after opts.ResourceVersion.
func (s *Store) Watch(ctx context.Context, prefix string, opts store.WatchOptions) (store.Watch, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, store.ErrClosed
	}
	var initial []*entry
	from := opts.ResourceVersion
	if from == 0 || opts.SendInitialEvents {
		// The current state as ADDED events, then everything after it.
		v := s.view.Load()
		it, err := v.db.Txn(false).Get(table, "id_prefix", prefix)
		if err != nil {
			return nil, err
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			if e := raw.(*entry); opts.Filter == nil || opts.Filter(e.obj) {
				initial = append(initial, e)
			}
		}
		from = v.rev
	} else if oldest := s.hist.oldest(); from < oldest {
		return nil, &store.OpError{Err: store.ErrTooOldResourceVersion, Detail: fmt.Sprintf("watch from revision %d: the oldest revision kept is %d", from, oldest)}
	}
	ctx, cancel := context.WithCancel(ctx)
	w := &watcher{out: make(chan store.Event, 100), cancel: cancel, done: make(chan struct{})}
	go s.runWatch(ctx, w, prefix, from, initial, opts)
	return w, nil
}

func (s *Store) runWatch(ctx context.Context, w *watcher, prefix string, cursor int64, initial []*entry, opts store.WatchOptions) {
	defer close(w.done)
	defer close(w.out)
	send := func(ev store.Event) bool {
		select {
		case w.out <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, o := range initial {
		if !send(store.Event{Type: store.Added, Key: o.key, Object: o.obj, Revision: cursor}) {
			return
		}
	}
	if opts.SendInitialEvents && !send(store.Event{Type: store.Bookmark, Revision: cursor, InitialEventsEnd: true}) {
		return
	}
	var bookmarks <-chan time.Time
	if opts.AllowBookmarks {
		t := s.opts.Clock.NewTicker(s.opts.BookmarkInterval)
		defer t.Stop()
		bookmarks = t.C()
	}
	for {
		evs, wait, tooOld, closed := s.hist.since(cursor)
		if tooOld {
			send(store.Event{Type: store.Error, Revision: cursor, Err: &store.OpError{Err: store.ErrTooOldResourceVersion,
				Detail: fmt.Sprintf("the watcher fell behind: events after revision %d are no longer kept", cursor)}})
			return
		}
		for _, ev := range evs {
			if out, ok := filterEvent(ev, prefix, opts.Filter); ok {
				if !send(out) {
					return
				}
			}
			cursor = ev.Revision
		}
		if len(evs) > 0 {
			continue
		}
		if closed {
			return
		}
		select {
		case <-wait:
		case <-bookmarks:
			if !send(store.Event{Type: store.Bookmark, Revision: cursor}) {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// filterEvent decides what a watcher with this prefix and filter sees of ev. An object that stops
// matching is seen as DELETED (its previous state with the new revision); one that starts matching
// as ADDED.
func filterEvent(ev store.Event, prefix string, f store.Filter) (store.Event, bool) {
	if !strings.HasPrefix(ev.Key, prefix) {
		return ev, false
	}
	if f == nil {
		return ev, true
	}
	switch ev.Type {
	case store.Added:
		return ev, f(ev.Object)
	case store.Deleted:
		return ev, f(ev.PrevObject)
	case store.Modified:
		cur, old := f(ev.Object), f(ev.PrevObject)
		switch {
		case cur && old:
			return ev, true
		case cur:
			return store.Event{Type: store.Added, Key: ev.Key, Object: ev.Object, Revision: ev.Revision}, true
		case old:
			last := ev.PrevObject.DeepCopyObject()
			last.GetObjectMeta().ResourceVersion = store.FormatRevision(ev.Revision)
			return store.Event{Type: store.Deleted, Key: ev.Key, Object: last, PrevObject: ev.PrevObject, Revision: ev.Revision}, true
		}
	}
	return ev, false
}
