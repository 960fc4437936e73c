package record

import (
	"fmt"
	"sync"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

// FakeRecorder is a Recorder for unit tests of the code that records events, as client-go's
// record.FakeRecorder: each event becomes the string "<type> <reason> <message>" on Events, for the
// test to read. It is safe for concurrent use. The zero value discards every event.
//
// It checks nothing about the events and writes nothing: a test that needs to see the Event
// objects Kubernetes would store uses a Broadcaster against testenv instead.
type FakeRecorder struct {
	// Events receives one string per event. As in client-go, a send waits while the channel is
	// full, so size it for the events the test expects, or drain it. Nil discards events.
	Events chan string
	// IncludeObject appends the object's kind, as " involvedObject{kind=Pod,apiVersion=v1}".
	IncludeObject bool
	// Registry gives the kind of objects whose TypeMeta is empty, for IncludeObject; Kubernetes'
	// built-in kinds when nil.
	Registry *api.Registry

	once    sync.Once
	builtin *api.Registry
}

var _ Recorder = (*FakeRecorder)(nil)

// NewFakeRecorder returns a FakeRecorder whose Events holds bufferSize strings.
func NewFakeRecorder(bufferSize int) *FakeRecorder {
	return &FakeRecorder{Events: make(chan string, bufferSize)}
}

// Event sends "<eventType> <reason> <message>" to f.Events.
func (f *FakeRecorder) Event(obj meta.Object, eventType, reason, message string) {
	if f.Events == nil {
		return
	}
	f.Events <- eventType + " " + reason + " " + message + f.objectString(obj)
}

// Eventf is Event with the message formatted by fmt.Sprintf.
func (f *FakeRecorder) Eventf(obj meta.Object, eventType, reason, messageFmt string, args ...any) {
	if f.Events == nil {
		return
	}
	f.Event(obj, eventType, reason, fmt.Sprintf(messageFmt, args...))
}

func (f *FakeRecorder) objectString(obj meta.Object) string {
	if !f.IncludeObject {
		return ""
	}
	ref, err := objectReference(obj, f.kindOf)
	if err != nil {
		return " involvedObject{" + err.Error() + "}"
	}
	return fmt.Sprintf(" involvedObject{kind=%s,apiVersion=%s}", ref.Kind, ref.APIVersion)
}

func (f *FakeRecorder) kindOf(obj meta.Object) (string, string, error) {
	reg := f.Registry
	if reg == nil {
		f.once.Do(func() { f.builtin = api.Builtin() })
		reg = f.builtin
	}
	k, err := reg.KindOf(obj)
	if err != nil {
		return "", "", err
	}
	return k.Kind, k.APIVersion(), nil
}
