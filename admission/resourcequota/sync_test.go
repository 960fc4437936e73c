package resourcequota_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/admission/resourcequota"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

const resyncPeriod = 5 * time.Minute

// harness runs a StatusSync on a fake clock, counting what it does.
type harness struct {
	t     *testing.T
	st    store.Store
	clk   *clocktesting.FakeClock
	s     *resourcequota.StatusSync
	lists atomic.Int64
	seen  atomic.Int64 // the highest revision the loop has handled

	mu      sync.Mutex
	recalcs map[string]int
	// pause, when set before start, runs before each recalculation, after it is counted.
	pause func(namespace string)
	// event, when set before start, runs after each watch event is handled.
	event func(ev store.Event)
}

func newHarness(t *testing.T, st store.Store) *harness {
	h := &harness{t: t, st: st, clk: clocktesting.NewFakeClock(time.Unix(1_000_000, 0)), recalcs: map[string]int{}}
	h.s = resourcequota.NewStatusSync(st, resourcequota.SyncOptions{
		Options:      resourcequota.Options{Logger: testr.New(t)},
		ResyncPeriod: resyncPeriod,
		Clock:        h.clk,
	})
	return h
}

// start runs the loop until the test ends, and fails the test if Run does not return nil then.
func (h *harness) start() {
	h.s.SetHooks(resourcequota.SyncHooks{
		Listed: func() { h.lists.Add(1) },
		Event: func(ev store.Event) {
			if h.event != nil {
				h.event(ev)
			}
			for {
				cur := h.seen.Load()
				if ev.Revision <= cur || h.seen.CompareAndSwap(cur, ev.Revision) {
					break
				}
			}
		},
		Recalculating: func(ns string) {
			h.mu.Lock()
			h.recalcs[ns]++
			h.mu.Unlock()
			if h.pause != nil {
				h.pause(ns)
			}
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.s.Run(ctx) }()
	h.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			h.t.Errorf("Run returned %v after its context ended, want nil", err)
		}
	})
	h.waitFor("the first pass", func() string {
		if !h.s.HasSynced() {
			return "not synced"
		}
		return ""
	})
	h.settle(0)
}

func (h *harness) recalculations(ns string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.recalcs[ns]
}

// waitFor polls until cond returns "", or fails the test with what it last returned.
func (h *harness) waitFor(what string, cond func() string) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("waiting for %s: %s", what, msg)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// settle waits until the loop has handled every event up to rev and recalculated what they asked.
func (h *harness) settle(rev int64) {
	h.t.Helper()
	h.waitFor(fmt.Sprintf("revision %d to be handled", rev), func() string {
		if seen := h.seen.Load(); seen < rev {
			return fmt.Sprintf("handled up to %d", seen)
		}
		if !h.s.Idle() {
			return "recalculations pending"
		}
		return ""
	})
}

// waitStatus waits until the quotas of namespace ns have exactly the statuses in want.
func (h *harness) waitStatus(ns string, want map[string]core.ResourceQuotaStatus) {
	h.t.Helper()
	h.waitFor("quota status", func() string {
		if diff := cmp.Diff(want, statuses(h.t, h.st, ns)); diff != "" {
			return "status (-want +got):\n" + diff
		}
		return ""
	})
}

func statuses(t *testing.T, st store.Store, ns string) map[string]core.ResourceQuotaStatus {
	t.Helper()
	qs, _, err := store.ListAs[*core.ResourceQuota](context.Background(), st, store.Prefix("resourcequotas", ns), store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]core.ResourceQuotaStatus{}
	for _, q := range qs {
		out[q.Name] = q.Status
	}
	return out
}

// specQuota is a quota as a user creates it: spec only.
func specQuota(ns, name string, hard core.ResourceList) *core.ResourceQuota {
	return &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name}, Spec: core.ResourceQuotaSpec{Hard: hard}}
}

func pod(ns, name, cpu string) *core.Pod {
	return pluginstest.MakePod(ns, name).Container("c").Requests("cpu", cpu).Obj()
}

// change updates the object at key and returns the revision of the write.
func change[T meta.Object](t *testing.T, st store.Store, key string, f func(T)) int64 {
	t.Helper()
	out, err := st.GuaranteedUpdate(context.Background(), key, nil, func(cur meta.Object) (meta.Object, error) {
		next := cur.DeepCopyObject().(T)
		f(next)
		return next, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return revisionOf(t, out)
}

func remove(t *testing.T, st store.Store, obj meta.Object) int64 {
	t.Helper()
	out, err := st.Delete(context.Background(), pluginstest.Key(t, obj), nil)
	if err != nil {
		t.Fatal(err)
	}
	return revisionOf(t, out)
}

func revisionOf(t *testing.T, obj meta.Object) int64 {
	t.Helper()
	rev, err := store.ParseRevision(obj.GetObjectMeta().ResourceVersion)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

// TestStatusSyncTriggers changes the store in each way that changes what a quota should say, with
// nothing else (no resync: the clock stands still) to correct it.
func TestStatusSyncTriggers(t *testing.T) {
	podsAndCPU := list("pods", "10", "count/pods", "10", "requests.cpu", "10")
	tests := []struct {
		name    string
		objects []meta.Object
		act     func(t *testing.T, h *harness) int64 // returns the revision of its last write
		want    map[string]core.ResourceQuotaStatus
	}{
		{
			name:    "a quota created with only its spec",
			objects: []meta.Object{pod("ns", "a", "1"), pod("ns", "b", "500m"), &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "cm"}}},
			act: func(t *testing.T, h *harness) int64 {
				return revisionOf(t, pluginstest.Put(t, h.st, specQuota("ns", "q", list("pods", "10", "requests.cpu", "4", "count/configmaps", "5"))))
			},
			want: map[string]core.ResourceQuotaStatus{"q": {
				Hard: list("pods", "10", "requests.cpu", "4", "count/configmaps", "5"),
				Used: list("pods", "2", "requests.cpu", "1500m", "count/configmaps", "1"),
			}},
		},
		{
			name:    "spec.hard changed",
			objects: []meta.Object{specQuota("ns", "q", list("pods", "10")), pod("ns", "a", "1")},
			act: func(t *testing.T, h *harness) int64 {
				return change(t, h.st, store.Key("resourcequotas", "ns", "q"), func(q *core.ResourceQuota) {
					q.Spec.Hard = list("pods", "5", "count/pods", "5")
				})
			},
			want: map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "5", "count/pods", "5"), Used: list("pods", "1", "count/pods", "1")}},
		},
		{
			name:    "a pod deleted",
			objects: []meta.Object{specQuota("ns", "q", podsAndCPU), pod("ns", "a", "1"), pod("ns", "b", "2")},
			act: func(t *testing.T, h *harness) int64 {
				return remove(t, h.st, pod("ns", "b", "2"))
			},
			want: map[string]core.ResourceQuotaStatus{"q": {Hard: podsAndCPU, Used: list("pods", "1", "count/pods", "1", "requests.cpu", "1")}},
		},
		{
			name:    "a pod succeeded: it frees its resources, and is still counted as stored",
			objects: []meta.Object{specQuota("ns", "q", podsAndCPU), pod("ns", "a", "1"), pod("ns", "b", "2")},
			act: func(t *testing.T, h *harness) int64 {
				return change(t, h.st, store.Key("pods", "ns", "b"), func(p *core.Pod) { p.Status.Phase = core.PodSucceeded })
			},
			want: map[string]core.ResourceQuotaStatus{"q": {Hard: podsAndCPU, Used: list("pods", "1", "count/pods", "2", "requests.cpu", "1")}},
		},
		{
			name:    "a pod given a deletionTimestamp whose grace period is already over",
			objects: []meta.Object{specQuota("ns", "q", podsAndCPU), pod("ns", "a", "1"), pod("ns", "b", "2")},
			act: func(t *testing.T, h *harness) int64 {
				return change(t, h.st, store.Key("pods", "ns", "b"), func(p *core.Pod) {
					grace := int64(30)
					p.DeletionTimestamp, p.DeletionGracePeriodSeconds = &meta.Time{Time: h.clk.Now().Add(-time.Minute)}, &grace
				})
			},
			want: map[string]core.ResourceQuotaStatus{"q": {Hard: podsAndCPU, Used: list("pods", "1", "count/pods", "2", "requests.cpu", "1")}},
		},
		{
			name: "a counted configmap deleted",
			objects: []meta.Object{specQuota("ns", "q", list("count/configmaps", "5", "configmaps", "5")),
				&core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "c1"}}, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "c2"}}},
			act: func(t *testing.T, h *harness) int64 {
				return remove(t, h.st, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "c1"}})
			},
			want: map[string]core.ResourceQuotaStatus{"q": {Hard: list("count/configmaps", "5", "configmaps", "5"), Used: list("count/configmaps", "1", "configmaps", "1")}},
		},
		{
			name:    "a quota deleted, which another quota counts",
			objects: []meta.Object{specQuota("ns", "quotas", list("resourcequotas", "5")), specQuota("ns", "pods", list("pods", "5"))},
			act: func(t *testing.T, h *harness) int64 {
				return remove(t, h.st, specQuota("ns", "pods", nil))
			},
			want: map[string]core.ResourceQuotaStatus{"quotas": {Hard: list("resourcequotas", "5"), Used: list("resourcequotas", "1")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := pluginstest.Store(t)
			for _, obj := range tt.objects {
				pluginstest.Put(t, st, obj)
			}
			h := newHarness(t, st)
			h.start()
			if cmp.Equal(tt.want, statuses(t, st, "ns")) {
				t.Fatal("the quotas already say what the test wants before it acts: it would prove nothing")
			}
			rev := tt.act(t, h)
			h.settle(rev)
			if diff := cmp.Diff(tt.want, statuses(t, st, "ns")); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStatusSyncWithAdmission runs the loop behind the admission plugin: a new quota limits once the
// loop has filled its status, and a deleted pod makes room again.
func TestStatusSyncWithAdmission(t *testing.T) {
	st := pluginstest.Store(t)
	h := newHarness(t, st)
	h.start()
	pluginstest.Put(t, st, specQuota("ns", "q", list("pods", "2")))
	h.waitStatus("ns", map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "2"), Used: list("pods", "0")}})
	h.settle(0)
	before := h.recalculations("ns")

	plugin := resourcequota.New(st, resourcequota.Options{Clock: h.clk})
	admit := func(name string) (*core.Pod, error) {
		p := pod("ns", name, "100m")
		if err := plugin.Validate(context.Background(), pluginstest.Create(p)); err != nil {
			return nil, err
		}
		return pluginstest.Put(t, st, p), nil
	}
	var last int64
	for _, name := range []string{"a", "b"} {
		p, err := admit(name)
		if err != nil {
			t.Fatalf("admitting pod %s: %v", name, err)
		}
		last = revisionOf(t, p)
	}
	_, err := admit("c")
	want := `403 pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`
	if diff := cmp.Diff(want, message(err)); diff != "" {
		t.Errorf("third pod (-want +got):\n%s", diff)
	}
	h.settle(last)
	if got := h.recalculations("ns") - before; got != 0 {
		t.Errorf("admitted pods caused %d recalculations, want none: admission charged them", got)
	}

	h.settle(remove(t, st, pod("ns", "a", "100m")))
	if diff := cmp.Diff(map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "2"), Used: list("pods", "1")}}, statuses(t, st, "ns")); diff != "" {
		t.Errorf("status after a delete (-want +got):\n%s", diff)
	}
	if _, err := admit("c"); err != nil {
		t.Errorf("admitting pod c after a delete made room: %v", err)
	}
}

// TestStatusSyncCoalesces deletes 100 pods while a recalculation of their namespace is under way:
// the namespace is recalculated once more for all of them, not once each.
func TestStatusSyncCoalesces(t *testing.T) {
	st := pluginstest.Store(t)
	pluginstest.Put(t, st, specQuota("ns", "q", list("pods", "200")))
	for i := range 100 {
		pluginstest.Put(t, st, pod("ns", fmt.Sprint("p", i), "10m"))
	}
	h := newHarness(t, st)
	var armed atomic.Bool
	entered, release := make(chan struct{}), make(chan struct{})
	h.pause = func(string) {
		if armed.CompareAndSwap(true, false) {
			close(entered)
			<-release
		}
	}
	h.start()
	h.waitStatus("ns", map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "200"), Used: list("pods", "100")}})
	h.settle(0)
	before := h.recalculations("ns")

	armed.Store(true)
	remove(t, st, pod("ns", "p0", "10m"))
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("a deleted pod did not start a recalculation")
	}
	var last int64
	for i := 1; i < 100; i++ {
		last = remove(t, st, pod("ns", fmt.Sprint("p", i), "10m"))
	}
	h.waitFor("the deletes to be seen", func() string {
		if seen := h.seen.Load(); seen < last {
			return fmt.Sprintf("handled up to %d of %d", seen, last)
		}
		return ""
	})
	close(release)
	h.settle(last)

	if diff := cmp.Diff(map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "200"), Used: list("pods", "0")}}, statuses(t, st, "ns")); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	// One for the first delete, held up while the other 99 came, and one for those 99.
	if got := h.recalculations("ns") - before; got != 2 {
		t.Errorf("100 deletes caused %d recalculations, want 2", got)
	}
}

// TestStatusSyncRelists holds the loop back until the store's history has moved past it: the watch
// fails with a too-old revision, and a quota created in that gap, whose event the loop never sees,
// is found by the list that follows.
func TestStatusSyncRelists(t *testing.T) {
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin(), HistorySize: 16})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	pluginstest.Put(t, st, specQuota("a", "q", list("count/configmaps", "1000")))
	h := newHarness(t, st)
	var armed atomic.Bool
	entered, release := make(chan struct{}), make(chan struct{})
	var watchErr atomic.Pointer[error]
	h.event = func(ev store.Event) {
		if ev.Type == store.Error {
			watchErr.Store(&ev.Err)
		}
		if armed.CompareAndSwap(true, false) {
			close(entered)
			<-release
		}
	}
	h.start()
	armed.Store(true)
	pluginstest.Put(t, st, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "a", Name: "first"}})
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the loop did not see a write")
	}
	// More writes than the watch buffers and the store keeps, then the quota the watch will miss.
	for i := range 300 {
		pluginstest.Put(t, st, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "a", Name: fmt.Sprint("cm", i)}})
	}
	pluginstest.Put(t, st, specQuota("b", "late", list("pods", "3")))
	close(release)

	h.waitStatus("b", map[string]core.ResourceQuotaStatus{"late": {Hard: list("pods", "3"), Used: list("pods", "0")}})
	h.waitStatus("a", map[string]core.ResourceQuotaStatus{"q": {Hard: list("count/configmaps", "1000"), Used: list("count/configmaps", "301")}})
	if got := h.lists.Load(); got != 2 {
		t.Errorf("listed %d times, want 2: once at the start, once after the watch failed", got)
	}
	if p := watchErr.Load(); p == nil || !errors.Is(*p, store.ErrTooOldResourceVersion) {
		t.Errorf("the watch ended with %v, want an error wrapping %v", p, store.ErrTooOldResourceVersion)
	}
}

// TestStatusSyncResync: a status that drifted without an event that says so (here written by hand)
// is corrected by the periodic resync, and not before.
func TestStatusSyncResync(t *testing.T) {
	st := pluginstest.Store(t)
	pluginstest.Put(t, st, specQuota("ns", "q", list("pods", "10")))
	pluginstest.Put(t, st, pod("ns", "a", "1"))
	h := newHarness(t, st)
	h.start()
	right := map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "10"), Used: list("pods", "1")}}
	h.waitStatus("ns", right)
	before := h.recalculations("ns")

	h.settle(change(t, st, store.Key("resourcequotas", "ns", "q"), func(q *core.ResourceQuota) {
		q.Status.Used = list("pods", "7")
	}))
	drifted := map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "10"), Used: list("pods", "7")}}
	if diff := cmp.Diff(drifted, statuses(t, st, "ns")); diff != "" {
		t.Errorf("a status write was recalculated at once (-want +got):\n%s", diff)
	}
	if got := h.recalculations("ns") - before; got != 0 {
		t.Errorf("a status write caused %d recalculations, want none", got)
	}

	h.clk.Step(resyncPeriod)
	h.waitStatus("ns", right)
	if got := h.recalculations("ns") - before; got != 1 {
		t.Errorf("the resync made %d recalculations, want 1", got)
	}
}

// TestStatusSyncGracePeriod: a pod given a deletionTimestamp still counts until its grace period is
// over, and its namespace is recalculated when it is.
func TestStatusSyncGracePeriod(t *testing.T) {
	st := pluginstest.Store(t)
	pluginstest.Put(t, st, specQuota("ns", "q", list("pods", "10")))
	pluginstest.Put(t, st, pod("ns", "a", "1"))
	h := newHarness(t, st)
	h.start()
	counted := map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "10"), Used: list("pods", "1")}}
	h.waitStatus("ns", counted)
	before := h.recalculations("ns")

	// As the API server does it: the deletionTimestamp is the end of the grace period, and quota
	// gives the pod another grace period on top for its kubelet to report.
	grace := int64(30)
	h.settle(change(t, st, store.Key("pods", "ns", "a"), func(p *core.Pod) {
		p.DeletionTimestamp, p.DeletionGracePeriodSeconds = &meta.Time{Time: h.clk.Now().Add(30 * time.Second)}, &grace
	}))
	if diff := cmp.Diff(counted, statuses(t, st, "ns")); diff != "" {
		t.Errorf("status during the grace period (-want +got):\n%s", diff)
	}
	if got := h.recalculations("ns") - before; got != 0 {
		t.Errorf("the deletionTimestamp caused %d recalculations at once, want none: the pod still counts", got)
	}

	h.waitFor("the worker to wait for the end of the grace period", func() string {
		if n := h.clk.Waiters(); n != 2 {
			return fmt.Sprintf("%d waiters on the clock, want 2: the resync ticker and the recheck", n)
		}
		return ""
	})
	h.clk.Step(time.Minute + time.Second)
	h.waitStatus("ns", map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "10"), Used: list("pods", "0")}})
}

// TestStatusSyncRetries: a namespace whose recalculation fails is tried again after a wait on the
// clock, and the other namespaces do not wait for it.
func TestStatusSyncRetries(t *testing.T) {
	st := pluginstest.Store(t)
	pluginstest.Put(t, st, specQuota("bad", "q", list("pods", "5")))
	pluginstest.Put(t, st, specQuota("good", "q", list("pods", "5")))
	// Something that is not a quota among the quotas makes Recalculate fail in "bad".
	intruder := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "bad", Name: "zz"}}
	intruderKey := store.Key("resourcequotas", "bad", "zz")
	if _, err := st.Create(context.Background(), intruderKey, intruder); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, st)
	h.start()
	filled := map[string]core.ResourceQuotaStatus{"q": {Hard: list("pods", "5"), Used: list("pods", "0")}}
	h.waitStatus("good", filled)
	if diff := cmp.Diff(map[string]core.ResourceQuotaStatus{"q": {}}, statusesOfQuotas(t, st, "bad")); diff != "" {
		t.Errorf("status in the failing namespace (-want +got):\n%s", diff)
	}

	gone, err := st.Delete(context.Background(), intruderKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.settle(revisionOf(t, gone))
	if got := h.recalculations("bad"); got != 1 {
		t.Errorf("%d recalculations of the failing namespace before the retry is due, want 1", got)
	}
	h.waitFor("the worker to wait for the retry", func() string {
		if n := h.clk.Waiters(); n != 2 {
			return fmt.Sprintf("%d waiters on the clock, want 2: the resync ticker and the retry", n)
		}
		return ""
	})
	h.clk.Step(time.Second)
	h.waitFor("the retry", func() string {
		if diff := cmp.Diff(filled, statusesOfQuotas(t, st, "bad")); diff != "" {
			return "status (-want +got):\n" + diff
		}
		return ""
	})
}

// statusesOfQuotas is statuses for a namespace that may hold objects other than quotas among them.
func statusesOfQuotas(t *testing.T, st store.Store, ns string) map[string]core.ResourceQuotaStatus {
	t.Helper()
	res, err := st.List(context.Background(), store.Prefix("resourcequotas", ns), store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]core.ResourceQuotaStatus{}
	for _, obj := range res.Items {
		if q, ok := obj.(*core.ResourceQuota); ok {
			out[q.Name] = q.Status
		}
	}
	return out
}

// TestStatusSyncStops: Run returns nil when its context ends, leaving no goroutine behind, and an
// error wrapping store.ErrClosed when the store is closed under it.
func TestStatusSyncStops(t *testing.T) {
	t.Run("context cancelled", func(t *testing.T) {
		st := pluginstest.Store(t)
		pluginstest.Put(t, st, specQuota("ns", "q", list("pods", "5")))
		before := runtime.NumGoroutine()
		s := resourcequota.NewStatusSync(st, resourcequota.SyncOptions{Options: resourcequota.Options{Logger: testr.New(t)}})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx) }()
		deadline := time.Now().Add(10 * time.Second)
		for !s.HasSynced() {
			if time.Now().After(deadline) {
				t.Fatal("the first pass did not finish")
			}
			time.Sleep(2 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run returned %v, want nil", err)
		}
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				t.Fatalf("%d goroutines after Run returned, %d before", runtime.NumGoroutine(), before)
			}
			runtime.Gosched()
		}
	})
	t.Run("store closed", func(t *testing.T) {
		st := pluginstest.Store(t)
		h := newHarness(t, st)
		done := make(chan error, 1)
		go func() { done <- h.s.Run(context.Background()) }()
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if !errors.Is(err, store.ErrClosed) {
				t.Errorf("Run returned %v, want an error wrapping %v", err, store.ErrClosed)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after the store was closed")
		}
	})
}
