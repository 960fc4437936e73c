package record

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/skiff-io/skiff/api/meta"
)

// ListRecorder keeps every event as "<type> <reason> <message>", for tests that look at what was
// recorded afterwards; unlike FakeRecorder it never blocks. The zero value is ready to use and
// safe for concurrent use.
type ListRecorder struct {
	mu   sync.Mutex
	list []string
}

var _ Recorder = (*ListRecorder)(nil)

// Event records one event.
func (l *ListRecorder) Event(_ meta.Object, eventType, reason, message string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, eventType+" "+reason+" "+message)
}

// Eventf records one event with its message formatted by fmt.Sprintf.
func (l *ListRecorder) Eventf(obj meta.Object, eventType, reason, messageFmt string, args ...any) {
	l.Event(obj, eventType, reason, fmt.Sprintf(messageFmt, args...))
}

// Events returns the events recorded so far, oldest first.
func (l *ListRecorder) Events() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.list)
}

// Count returns how many recorded events start with prefix.
func (l *ListRecorder) Count(prefix string) int {
	n := 0
	for _, e := range l.Events() {
		if strings.HasPrefix(e, prefix) {
			n++
		}
	}
	return n
}
