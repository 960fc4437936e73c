package record

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// The event types Kubernetes accepts; a recorder drops an event of any other type.
const (
	// Normal events report what went as expected ("Scheduled", "Pulled", "Started").
	Normal = core.EventTypeNormal
	// Warning events report what needs attention ("FailedMount", "BackOff").
	Warning = core.EventTypeWarning
)

// MaxMessageLength is the longest event message, in bytes, that a recorder writes: the limit the
// API server puts on an event's note. Longer messages are cut, ending with " ...".
const MaxMessageLength = 1024

// Recorder records events about objects. It never blocks and never fails: an event that cannot
// be recorded is logged and dropped, since events are a courtesy to people reading them and no
// controller should stall or err because of one. Recorders are safe for concurrent use.
type Recorder interface {
	// Event records that something of eventType (Normal or Warning) happened to obj. reason is a
	// short UpperCamelCase word that tools switch on ("FailedScheduling"); message is for people.
	// obj is only read, and may be a shared object from a cache.
	Event(obj meta.Object, eventType, reason, message string)
	// Eventf is Event with the message formatted by fmt.Sprintf.
	Eventf(obj meta.Object, eventType, reason, messageFmt string, args ...any)
}

// errNoKind is wrapped when an object's kind can be found neither in its TypeMeta nor in the
// client's registry.
var errNoKind = errors.New("record: the object's kind is unknown")

// recorder is the Recorder a Broadcaster hands out: it builds the event at once, in the caller's
// goroutine, so that it holds the object as it was and the time it happened, and queues it.
type recorder struct {
	b      *Broadcaster
	source core.EventSource
}

var _ Recorder = (*recorder)(nil)

func (r *recorder) Event(obj meta.Object, eventType, reason, message string) {
	if eventType != Normal && eventType != Warning {
		r.b.log.Error(nil, "Unsupported event type, dropping the event", "component", r.source.Component, "type", eventType, "reason", reason)
		return
	}
	ref, err := r.b.reference(obj)
	if err != nil {
		r.b.log.Error(err, "Cannot refer to the object, dropping the event", "component", r.source.Component, "reason", reason)
		return
	}
	now := r.b.clock.Now()
	ns := ref.Namespace
	if ns == "" {
		// Kubernetes files the events of cluster-scoped objects under "default".
		ns = core.NamespaceDefault
	}
	t := meta.NewTime(now)
	r.b.enqueue(&core.Event{
		ObjectMeta:          meta.ObjectMeta{Name: r.b.names.next(ref.Name, now), Namespace: ns},
		InvolvedObject:      ref,
		Reason:              reason,
		Message:             truncateMessage(message),
		Source:              r.source,
		FirstTimestamp:      t,
		LastTimestamp:       t,
		Count:               1,
		Type:                eventType,
		ReportingController: r.source.Component,
		ReportingInstance:   r.source.Host,
	})
}

func (r *recorder) Eventf(obj meta.Object, eventType, reason, messageFmt string, args ...any) {
	r.Event(obj, eventType, reason, fmt.Sprintf(messageFmt, args...))
}

// objectReference refers to obj as an event's involvedObject does. The kind comes from obj's
// TypeMeta when it is set, as client-go's reference.GetReference takes it, or else from kindOf.
func objectReference(obj meta.Object, kindOf func(meta.Object) (kind, apiVersion string, err error)) (core.ObjectReference, error) {
	if isNil(obj) {
		return core.ObjectReference{}, errors.New("record: the object is nil")
	}
	m := obj.GetObjectMeta()
	ref := core.ObjectReference{
		Namespace:       m.Namespace,
		Name:            m.Name,
		UID:             m.UID,
		ResourceVersion: m.ResourceVersion,
	}
	if tm := obj.GetTypeMeta(); tm.Kind != "" && tm.APIVersion != "" {
		ref.Kind, ref.APIVersion = tm.Kind, tm.APIVersion
		return ref, nil
	}
	kind, apiVersion, err := kindOf(obj)
	if err != nil {
		return core.ObjectReference{}, fmt.Errorf("%w: %T: %w", errNoKind, obj, err)
	}
	ref.Kind, ref.APIVersion = kind, apiVersion
	return ref, nil
}

// isNil catches the typed nil pointer that a nil interface check misses, which would otherwise
// panic in the caller's goroutine.
func isNil(obj meta.Object) bool {
	if obj == nil {
		return true
	}
	v := reflect.ValueOf(obj)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// truncateMessage cuts a message to MaxMessageLength bytes as kube-scheduler does, ending it with
// " ...", but on a character boundary, and after replacing invalid UTF-8: JSON would write each
// invalid byte as a three-byte U+FFFD and push the message past the limit on the wire.
func truncateMessage(msg string) string {
	if !utf8.ValidString(msg) {
		msg = strings.ToValidUTF8(msg, "\uFFFD")
	}
	if len(msg) <= MaxMessageLength {
		return msg
	}
	const suffix = " ..."
	cut := MaxMessageLength - len(suffix)
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + suffix
}
