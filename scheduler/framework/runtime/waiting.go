package runtime

import (
	"fmt"
	"sync"
	"time"

	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// WaitingPod is a pod a Permit plugin holds: it goes on once every plugin that made it wait
// allows it, and is rejected when one rejects it or its time runs out.
type WaitingPod struct {
	pod  *core.Pod
	mu   sync.Mutex
	pend map[string]clock.Timer
	done chan *framework.Status
	over bool
	// stopped ends the timeout goroutines once the pod is decided.
	stopped chan struct{}
}

// Pod returns the waiting pod.
func (w *WaitingPod) Pod() *core.Pod { return w.pod }

// Allow records one plugin's approval; the last one lets the pod go.
func (w *WaitingPod) Allow(plugin string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if t, ok := w.pend[plugin]; ok {
		t.Stop()
		delete(w.pend, plugin)
	}
	if len(w.pend) == 0 {
		w.finish(nil)
	}
}

// Reject rejects the pod on behalf of a plugin.
func (w *WaitingPod) Reject(plugin, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.pend {
		t.Stop()
	}
	w.finish(framework.NewStatus(framework.Unschedulable, msg).WithPlugin(plugin))
}

// finish delivers the outcome once; w.mu is held.
func (w *WaitingPod) finish(st *framework.Status) {
	if w.over {
		return
	}
	w.over = true
	close(w.stopped)
	w.done <- st
}

type waitingPods struct {
	mu   sync.RWMutex
	pods map[meta.UID]*WaitingPod
}

func newWaitingPods() *waitingPods { return &waitingPods{pods: map[meta.UID]*WaitingPod{}} }

func (w *waitingPods) add(pod *core.Pod, timeouts map[string]time.Duration, clk clock.Clock) {
	wp := &WaitingPod{pod: pod, pend: map[string]clock.Timer{}, done: make(chan *framework.Status, 1), stopped: make(chan struct{})}
	wp.mu.Lock()
	for plugin, d := range timeouts {
		t := clk.NewTimer(d)
		wp.pend[plugin] = t
		go func() {
			select {
			case <-t.C():
				wp.Reject(plugin, fmt.Sprintf("rejected due to timeout after waiting %v at plugin %s", d, plugin))
			case <-wp.stopped:
			}
		}()
	}
	wp.mu.Unlock()
	w.mu.Lock()
	w.pods[pod.UID] = wp
	w.mu.Unlock()
}

func (w *waitingPods) get(uid meta.UID) *WaitingPod {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.pods[uid]
}

func (w *waitingPods) remove(uid meta.UID) {
	w.mu.Lock()
	delete(w.pods, uid)
	w.mu.Unlock()
}
