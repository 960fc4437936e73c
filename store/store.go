package store

import (
	"context"
	"strconv"

	"github.com/skiff-io/skiff/api/meta"
)

// Store holds API objects under string keys. Every successful write moves one global revision forward
// by one and stamps it on the written object as its resourceVersion. Objects passed in are never
// changed or kept; objects returned are the store's own, shared and read-only.
type Store interface {
	Reader
	Writer
	Watcher
	// Close releases the store; writes under way finish or fail, watches end.
	Close() error
}

// Reader reads objects.
type Reader interface {
	// Get returns the object at key, or an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) (meta.Object, error)
	// List returns the objects whose keys start with prefix, in key order, that pass opts.Filter. With
	// opts.Limit it returns at most that many and a Continue token; every page of one list is read at
	// the same revision.
	List(ctx context.Context, prefix string, opts ListOptions) (*ListResult, error)
	// Revision returns the store's current revision: every write acknowledged so far is at or below it.
	Revision(ctx context.Context) (int64, error)
}

// Writer changes objects. Each method returns the object as stored, with its new resourceVersion.
type Writer interface {
	// Create stores obj at key. obj must not carry a resourceVersion. An existing key is an error
	// wrapping ErrAlreadyExists.
	Create(ctx context.Context, key string, obj meta.Object) (meta.Object, error)
	// Update replaces the object at key. When obj carries a resourceVersion it is a precondition: a
	// different current resourceVersion is an error wrapping ErrConflict. A missing key wraps ErrNotFound.
	Update(ctx context.Context, key string, obj meta.Object) (meta.Object, error)
	// GuaranteedUpdate reads the current object, calls tryUpdate with it and writes what it returns,
	// retrying with the new current object whenever another write got there first. tryUpdate must not
	// change its argument; the store keeps the object it returns. If tryUpdate returns an object equal
	// to the current one, nothing is written and the current object is returned. An error from
	// tryUpdate stops the loop and is returned as is.
	GuaranteedUpdate(ctx context.Context, key string, pre *Preconditions, tryUpdate UpdateFunc) (meta.Object, error)
	// Delete removes the object at key and returns its last state, with the resourceVersion of the
	// deletion. Failed preconditions wrap ErrConflict; a missing key wraps ErrNotFound.
	Delete(ctx context.Context, key string, pre *Preconditions) (meta.Object, error)
}

// Watcher starts watches.
type Watcher interface {
	// Watch streams the changes under prefix after opts.ResourceVersion, in revision order. With
	// ResourceVersion 0 it first sends the current objects as ADDED events. A revision older than the
	// retained history is an error wrapping ErrTooOldResourceVersion.
	Watch(ctx context.Context, prefix string, opts WatchOptions) (Watch, error)
}

// Codec turns objects into bytes for a backend to keep, and back. An api.Registry is one.
type Codec interface {
	// Encode writes obj. It sets obj's TypeMeta when it does not name obj's kind, and changes nothing
	// else: stored objects, whose TypeMeta it set when they were written, are never changed.
	Encode(obj meta.Object) ([]byte, error)
	// Decode reads an object written by Encode.
	Decode(data []byte) (meta.Object, error)
}

// UpdateFunc computes the next state of an object from the current one, which it must not change.
type UpdateFunc func(current meta.Object) (meta.Object, error)

// Preconditions must hold for a delete or update to happen.
type Preconditions struct {
	UID             *meta.UID
	ResourceVersion *string
}

// Check returns an error wrapping ErrConflict when obj does not meet the preconditions.
func (p *Preconditions) Check(key string, obj meta.Object) error {
	if p == nil {
		return nil
	}
	m := obj.GetObjectMeta()
	if p.UID != nil && *p.UID != m.UID {
		return &OpError{Err: ErrConflict, Key: key, Detail: "Precondition failed: UID in precondition: " + string(*p.UID) + ", UID in object meta: " + string(m.UID)}
	}
	if p.ResourceVersion != nil && *p.ResourceVersion != m.ResourceVersion {
		return &OpError{Err: ErrConflict, Key: key, Detail: "Precondition failed: ResourceVersion in precondition: " + *p.ResourceVersion + ", ResourceVersion in object meta: " + m.ResourceVersion}
	}
	return nil
}

// Filter selects objects in lists and watches; nil selects everything.
type Filter func(obj meta.Object) bool

// ListOptions shape a List.
type ListOptions struct {
	// Filter keeps only the objects it returns true for; Limit counts only those.
	Filter Filter
	// Limit is the largest number of objects to return; 0 means all.
	Limit int64
	// Continue is the token from the previous page.
	Continue string
}

// ListResult is one page of a list.
type ListResult struct {
	Items []meta.Object
	// Revision is the revision the whole list (every page) was read at.
	Revision int64
	// Continue fetches the next page; empty on the last page.
	Continue string
	// RemainingItemCount is the number of objects after this page, when known (no filter).
	RemainingItemCount *int64
}

// WatchOptions shape a Watch.
type WatchOptions struct {
	// ResourceVersion: events after this revision are sent; 0 means the current state as ADDED
	// events, then every change.
	ResourceVersion int64
	// Filter keeps only matching objects. An object that stops matching is sent as DELETED, one that
	// starts matching as ADDED, as Kubernetes does.
	Filter Filter
	// AllowBookmarks asks for BOOKMARK events, which carry only a revision, so that an idle watcher
	// can resume from a recent revision.
	AllowBookmarks bool
	// SendInitialEvents sends the current state as ADDED events, whatever ResourceVersion says, and
	// then a BOOKMARK with InitialEventsEnd set, so that a client can build its cache from the watch
	// alone (Kubernetes' streaming lists, which client-go's informers use).
	SendInitialEvents bool
}

// Watch is a running watch. Events arrive on ResultChan in revision order until Stop is called, the
// context ends or an ERROR event is sent; then the channel is closed.
type Watch interface {
	ResultChan() <-chan Event
	Stop()
}

// EventType is the kind of a watch event, spelled as on the Kubernetes wire.
type EventType string

// The event types.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	Bookmark EventType = "BOOKMARK"
	Error    EventType = "ERROR"
)

// Event is one change.
type Event struct {
	Type EventType
	// Key is the key of the object; empty for BOOKMARK and ERROR.
	Key string
	// Object is the new state; for DELETED, the last state with the deletion's resourceVersion. Nil
	// for BOOKMARK and ERROR.
	Object meta.Object
	// PrevObject is the state before a MODIFIED or DELETED change.
	PrevObject meta.Object
	// Revision is the revision of the change, or of the bookmark.
	Revision int64
	// Err says why an ERROR event ended the watch; it wraps ErrTooOldResourceVersion when the watcher
	// fell behind the retained history.
	Err error
	// InitialEventsEnd marks the BOOKMARK that follows the initial events of SendInitialEvents.
	InitialEventsEnd bool
}

// Key returns the key of an object: /registry/<resource>/<namespace>/<name>, without the namespace
// for cluster-scoped objects. resource may carry a group prefix ("example.com/widgets").
func Key(resource, namespace, name string) string {
	if namespace == "" {
		return "/registry/" + resource + "/" + name
	}
	return "/registry/" + resource + "/" + namespace + "/" + name
}

// Prefix returns the key prefix of every object of resource in namespace, or in all namespaces when
// namespace is empty.
func Prefix(resource, namespace string) string {
	if namespace == "" {
		return "/registry/" + resource + "/"
	}
	return "/registry/" + resource + "/" + namespace + "/"
}

// FormatRevision is the resourceVersion string of a revision.
func FormatRevision(rev int64) string { return strconv.FormatInt(rev, 10) }

// ParseRevision reads a resourceVersion; "" is 0. Anything else that is not a non-negative integer is
// an error wrapping ErrInvalidResourceVersion.
func ParseRevision(rv string) (int64, error) {
	if rv == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil || n < 0 {
		return 0, &OpError{Err: ErrInvalidResourceVersion, Detail: "resourceVersion " + strconv.Quote(rv) + " is not a non-negative integer"}
	}
	return n, nil
}
