package apiserver

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver/table"
	"github.com/skiff-io/skiff/store"
)

// watchEvent is one line of a watch stream, as Kubernetes writes it.
type watchEvent struct {
	Type   store.EventType `json:"type"`
	Object any             `json:"object"`
}

// handleWatch streams changes as newline-delimited JSON events until the client goes away, the
// timeout passes, or the store ends the watch. A resourceVersion too old for the store's history is
// an ERROR event carrying a 410 Expired Status, which clients answer by listing again.
func (s *Server) handleWatch(q *request) {
	ctx := q.r.Context()
	filter, err := s.selectors(q)
	if err != nil {
		q.fail(err)
		return
	}
	if q.ri.Name != "" {
		// A watch of one object, by the deprecated /watch/ path or ?watch on a named path.
		byName := store.SelectorFilter(nil, fields.OneTermEqualSelector("metadata.name", q.ri.Name), q.kind.FieldSet)
		if filter == nil {
			filter = byName
		} else {
			f := filter
			filter = func(o meta.Object) bool { return byName(o) && f(o) }
		}
	}
	query := q.r.URL.Query()
	rv, err := store.ParseRevision(query.Get("resourceVersion"))
	if err != nil {
		q.fail(apierrors.NewBadRequest(err.Error()))
		return
	}
	timeout := time.Duration(30+rand.IntN(30)) * time.Minute
	if t := query.Get("timeoutSeconds"); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n < 0 {
			q.fail(apierrors.NewBadRequest("timeoutSeconds must be a non-negative integer"))
			return
		}
		if n > 0 {
			timeout = time.Duration(n) * time.Second
		}
	}
	bookmarks := query.Get("allowWatchBookmarks") == "true"
	initial := query.Get("sendInitialEvents") == "true"
	if initial && (!bookmarks || query.Get("resourceVersionMatch") != "NotOlderThan") {
		q.fail(apierrors.NewBadRequest("sendInitialEvents requires allowWatchBookmarks=true and resourceVersionMatch=NotOlderThan"))
		return
	}
	var tw *table.Watch
	if q.out.table {
		opts, err := table.ParseTableOptions(query)
		if err == nil {
			tw, err = s.tables.NewWatch(q.kind.GroupVersionKind, opts)
		}
		if err != nil {
			q.fail(apierrors.NewBadRequest(err.Error()))
			return
		}
	}

	w := q.w
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", mediaJSON)
	w.Header().Set("Transfer-Encoding", "chunked")
	w.Header().Set("Cache-Control", "no-cache, private")
	w.WriteHeader(http.StatusOK)
	// Send the headers now: a client's Watch call returns only when it has them, and it may wait for
	// that before it makes the change it is watching for.
	if flusher != nil {
		flusher.Flush()
	}
	enc := json.NewEncoder(w)
	send := func(ev watchEvent) bool {
		if err := enc.Encode(ev); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	sendStatus := func(st *meta.Status) {
		send(watchEvent{Type: store.Error, Object: st})
	}
	sw, err := s.store.Watch(ctx, store.Prefix(q.kind.KeyPrefix(), q.namespace), store.WatchOptions{ResourceVersion: rv, Filter: filter, AllowBookmarks: bookmarks, SendInitialEvents: initial})
	if err != nil {
		sendStatus(apierrors.StatusOf(storeError(q.kind, "", err)))
		return
	}
	defer sw.Stop()
	timer := s.clock.NewTimer(timeout)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C():
			return
		case ev, ok := <-sw.ResultChan():
			if !ok {
				return
			}
			switch ev.Type {
			case store.Error:
				sendStatus(apierrors.StatusOf(storeError(q.kind, "", ev.Err)))
				return
			case store.Bookmark:
				obj := q.kind.New()
				obj.GetTypeMeta().APIVersion, obj.GetTypeMeta().Kind = q.kind.APIVersion(), q.kind.Kind
				obj.GetObjectMeta().ResourceVersion = store.FormatRevision(ev.Revision)
				if ev.InitialEventsEnd {
					// The end of the initial events of a streaming list, as client-go's reflector expects.
					obj.GetObjectMeta().Annotations = map[string]string{"k8s.io/initial-events-end": "true"}
				}
				if !send(watchEvent{Type: store.Bookmark, Object: obj}) {
					return
				}
				continue
			}
			if tw != nil {
				t, err := tw.Convert(ev.Object, s.clock.Now())
				if err != nil {
					sendStatus(apierrors.NewInternalError(err))
					return
				}
				if !send(watchEvent{Type: ev.Type, Object: t}) {
					return
				}
				continue
			}
			// Objects in events are shared and immutable: encode each once for all its watchers.
			data, err := s.encoded.get(ev.Object)
			if err != nil {
				sendStatus(apierrors.NewInternalError(err))
				return
			}
			if !send(watchEvent{Type: ev.Type, Object: json.RawMessage(data)}) {
				return
			}
		}
	}
}

// encodeCache remembers the JSON of recently sent objects. Store objects are immutable and shared,
// so the N watchers of an event can send one encoding instead of N, as kube-apiserver's watch cache
// serializes each event once. It forgets in insertion order.
type encodeCache struct {
	mu   sync.Mutex
	m    map[meta.Object][]byte
	ring []meta.Object
	next int
}

func newEncodeCache(size int) *encodeCache {
	return &encodeCache{m: make(map[meta.Object][]byte, size), ring: make([]meta.Object, size)}
}

func (c *encodeCache) get(obj meta.Object) ([]byte, error) {
	c.mu.Lock()
	data, ok := c.m[obj]
	c.mu.Unlock()
	if ok {
		return data, nil
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if _, ok := c.m[obj]; !ok {
		if old := c.ring[c.next]; old != nil {
			delete(c.m, old)
		}
		c.ring[c.next] = obj
		c.next = (c.next + 1) % len(c.ring)
		c.m[obj] = data
	}
	c.mu.Unlock()
	return data, nil
}
