package informer_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/informer/informertest"
	"github.com/skiff-io/skiff/testenv"
)

func cm(ns, name string, lbl map[string]string) *core.ConfigMap {
	return &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name, Labels: lbl}}
}

// recorder is a handler that keeps its own view of the objects, and a log of what it was told.
type recorder struct {
	mu      sync.Mutex
	view    map[string]string // key -> resourceVersion
	events  []string
	initial int
}

func newRecorder() *recorder { return &recorder{view: map[string]string{}} }

func (r *recorder) OnAdd(obj *core.ConfigMap, initial bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.view[informer.Key(obj)] = obj.ResourceVersion
	r.events = append(r.events, "add "+informer.Key(obj))
	if initial {
		r.initial++
	}
}

func (r *recorder) OnUpdate(old, obj *core.ConfigMap) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.view[informer.Key(obj)] = obj.ResourceVersion
	r.events = append(r.events, "update "+informer.Key(obj))
}

func (r *recorder) OnDelete(obj *core.ConfigMap) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.view, informer.Key(obj))
	r.events = append(r.events, "delete "+informer.Key(obj))
}

func (r *recorder) snapshot() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.view)
}

func (r *recorder) log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.events...)
}

// serverView lists what the server holds: key -> resourceVersion.
func serverView(t *testing.T, r *client.Resource[*core.ConfigMap]) map[string]string {
	t.Helper()
	l, err := r.List(context.Background(), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, it := range l.Items {
		out[informer.Key(it)] = it.ResourceVersion
	}
	return out
}

func cacheView(c *informer.Cache[*core.ConfigMap]) map[string]string {
	out := map[string]string{}
	for _, it := range c.List() {
		out[informer.Key(it)] = it.ResourceVersion
	}
	return out
}

func TestInformerListWatchAndHandlers(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	c := env.Client()
	cms := client.For[*core.ConfigMap](c)
	for i := range 3 {
		if _, err := cms.Namespace("default").Create(ctx, cm("default", fmt.Sprint("pre", i), map[string]string{"n": fmt.Sprint(i)}), client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	inf := informer.New(informer.FromResource(cms, nil), informer.Options[*core.ConfigMap]{Kind: cms.Kind()})
	rec := newRecorder()
	reg, err := inf.AddEventHandler(rec)
	if err != nil {
		t.Fatal(err)
	}
	go inf.Run(ctx)
	if !informer.WaitForCacheSync(ctx, inf.HasSynced, reg.HasSynced) {
		t.Fatal("no sync")
	}
	rec.mu.Lock()
	if rec.initial != 3 || len(rec.view) != 3 {
		t.Errorf("after sync the handler saw %d initial adds, %d objects", rec.initial, len(rec.view))
	}
	rec.mu.Unlock()

	// Changes reach the cache and the handler in order.
	obj, err := cms.Namespace("default").Create(ctx, cm("default", "new", nil), client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	obj.Data = map[string]string{"k": "v"}
	if _, err := cms.Namespace("default").Update(ctx, obj, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cms.Namespace("default").Delete(ctx, "pre0", client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	want := serverView(t, cms)
	testenv.Eventually(t, "cache equals server", func() bool { return maps.Equal(cacheView(inf.Cache()), want) })
	testenv.Eventually(t, "handler view equals server", func() bool { return maps.Equal(rec.snapshot(), want) })
	log := rec.log()
	tail := log[len(log)-3:]
	if tail[0] != "add default/new" || tail[1] != "update default/new" || tail[2] != "delete default/pre0" {
		t.Errorf("events %v", log)
	}

	// A handler added late is brought up to date first.
	late := newRecorder()
	lreg, _ := inf.AddEventHandler(late)
	testenv.Eventually(t, "late handler synced", lreg.HasSynced)
	if got := late.snapshot(); !maps.Equal(got, want) || late.initial != len(want) {
		t.Errorf("late handler: %v (%d initial), want %v", got, late.initial, want)
	}

	// The lister.
	l := inf.Lister()
	if got := l.Namespace("default").List(labels.SelectorFromSet(labels.Set{"n": "1"})); len(got) != 1 || got[0].Name != "pre1" {
		t.Errorf("list n=1: %v", got)
	}
	if got := l.List(nil); len(got) != len(want) {
		t.Errorf("list all: %d", len(got))
	}
	if got := l.Namespace("other").List(nil); len(got) != 0 {
		t.Errorf("other namespace: %d", len(got))
	}
	if _, err := l.Namespace("default").Get("pre0"); !apierrors.IsNotFound(err) || err.Error() != `configmaps "pre0" not found` {
		t.Errorf("get deleted: %v", err)
	}
	if got, err := l.Namespace("default").Get("new"); err != nil || got.Data["k"] != "v" {
		t.Errorf("get new: %v %v", got, err)
	}
}

func TestCacheIndexes(t *testing.T) {
	c := informer.NewCache[*core.ConfigMap]()
	c.Set(cm("a", "x", map[string]string{"app": "web"}))
	c.Set(cm("a", "y", map[string]string{"app": "db"}))
	c.Set(cm("b", "x", map[string]string{"app": "web"}))
	byApp := func(o *core.ConfigMap) []string { return []string{o.Labels["app"]} }
	if err := c.AddIndexers(map[string]informer.IndexFunc[*core.ConfigMap]{"app": byApp}); err != nil {
		t.Fatal(err)
	}
	if err := c.AddIndexers(map[string]informer.IndexFunc[*core.ConfigMap]{"namespace": byApp}); err == nil {
		t.Error("a second namespace index was accepted")
	}
	web, _ := c.ByIndex("app", "web")
	if len(web) != 2 {
		t.Errorf("app=web: %d", len(web))
	}
	// Re-indexed on update, unindexed on delete.
	c.Set(cm("a", "x", map[string]string{"app": "db"}))
	web, _ = c.ByIndex("app", "web")
	db, _ := c.ByIndex("app", "db")
	if len(web) != 1 || len(db) != 2 {
		t.Errorf("after update: web %d db %d", len(web), len(db))
	}
	c.Delete(cm("a", "y", nil))
	if db, _ = c.ByIndex("app", "db"); len(db) != 1 {
		t.Errorf("after delete: db %d", len(db))
	}
	if v := c.IndexValues("namespace"); len(v) != 2 || v[0] != "a" || v[1] != "b" {
		t.Errorf("namespaces %v", v)
	}
	if _, err := c.ByIndex("nope", "x"); err == nil {
		t.Error("unknown index accepted")
	}
	if ns, name := informer.SplitKey("a/x"); ns != "a" || name != "x" {
		t.Errorf("split %q %q", ns, name)
	}
	if ns, name := informer.SplitKey("node1"); ns != "" || name != "node1" {
		t.Errorf("split %q %q", ns, name)
	}
}

// TestConvergesDespiteFaults drives random creates, updates and deletes while the source delays
// events, breaks watches (losing the events in flight), expires them (forcing relists) and fails
// calls; afterwards the cache, and every handler's own view, equals the server.
func TestConvergesDespiteFaults(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faulty func(src informer.Source[*core.ConfigMap]) *informertest.Faulty[*core.ConfigMap]
	}{
		{"drops", func(s informer.Source[*core.ConfigMap]) *informertest.Faulty[*core.ConfigMap] {
			return &informertest.Faulty[*core.ConfigMap]{Src: s, DropEvery: 7}
		}},
		{"delays", func(s informer.Source[*core.ConfigMap]) *informertest.Faulty[*core.ConfigMap] {
			return &informertest.Faulty[*core.ConfigMap]{Src: s, Delay: 20 * time.Millisecond}
		}},
		{"expires", func(s informer.Source[*core.ConfigMap]) *informertest.Faulty[*core.ConfigMap] {
			return &informertest.Faulty[*core.ConfigMap]{Src: s, ExpireEvery: 3, DropEvery: 11}
		}},
		{"fails", func(s informer.Source[*core.ConfigMap]) *informertest.Faulty[*core.ConfigMap] {
			return &informertest.Faulty[*core.ConfigMap]{Src: s, FailLists: 2, FailWatches: 3, DropEvery: 13}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := testenv.Start(t, testenv.Options{})
			ctx := env.Context
			cms := client.For[*core.ConfigMap](env.Client()).Namespace("default")
			f := tc.faulty(informer.FromResource(cms, nil))
			// Fast backoff: the faults are many and the test is short.
			inf := informer.New[*core.ConfigMap](f, informer.Options[*core.ConfigMap]{
				Reflector: informer.ReflectorOptions{Backoff: informer.Backoff{Initial: time.Millisecond, Max: 5 * time.Millisecond}},
			})
			rec := newRecorder()
			inf.AddEventHandler(rec)
			go inf.Run(ctx)

			rng := rand.New(rand.NewPCG(1, uint64(len(tc.name))))
			live := map[string]*core.ConfigMap{}
			for i := range 300 {
				name := fmt.Sprint("cm", rng.IntN(40))
				obj, ok := live[name]
				switch {
				case !ok:
					o, err := cms.Create(ctx, cm("default", name, nil), client.CreateOptions{})
					if err != nil {
						t.Fatal(err)
					}
					live[name] = o
				case rng.IntN(3) == 0:
					if err := cms.Delete(ctx, name, client.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
					delete(live, name)
				default:
					obj = obj.DeepCopyObject().(*core.ConfigMap)
					obj.Data = map[string]string{"i": fmt.Sprint(i)}
					o, err := cms.Update(ctx, obj, client.UpdateOptions{})
					if err != nil {
						t.Fatal(err)
					}
					live[name] = o
				}
			}
			want := serverView(t, cms)
			testenv.Eventually(t, "cache equals server", func() bool { return maps.Equal(cacheView(inf.Cache()), want) })
			testenv.Eventually(t, "handler equals server", func() bool { return maps.Equal(rec.snapshot(), want) })
			t.Logf("%d lists, %d watches, %d events dropped", f.Lists(), f.Watches(), f.Dropped())
			switch tc.name {
			case "drops":
				if f.Dropped() == 0 || f.Lists() != 1 {
					t.Errorf("dropped %d, lists %d: broken watches should resume without listing again", f.Dropped(), f.Lists())
				}
			case "expires":
				if f.Lists() < 2 {
					t.Errorf("lists %d: expired watches should make the reflector list again", f.Lists())
				}
			case "fails":
				if f.Lists() != 3 {
					t.Errorf("lists %d, want 2 failures then 1 success", f.Lists())
				}
			}
		})
	}
}

// TestSlowHandlerDoesNotBlockOthers: one handler is stuck; the other gets every event.
func TestSlowHandlerDoesNotBlockOthers(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	cms := client.For[*core.ConfigMap](env.Client()).Namespace("default")
	inf := informer.New(informer.FromResource(cms, nil), informer.Options[*core.ConfigMap]{})
	release := make(chan struct{})
	var stuckCalls atomic.Int64
	inf.AddEventHandler(informer.HandlerFuncs[*core.ConfigMap]{AddFunc: func(*core.ConfigMap, bool) {
		stuckCalls.Add(1)
		<-release
	}})
	fast := newRecorder()
	inf.AddEventHandler(fast)
	go inf.Run(ctx)
	for i := range 50 {
		if _, err := cms.Create(ctx, cm("default", fmt.Sprint("c", i), nil), client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	testenv.Eventually(t, "fast handler saw all 50", func() bool { return len(fast.snapshot()) == 50 })
	if n := stuckCalls.Load(); n != 1 {
		t.Errorf("stuck handler called %d times while stuck", n)
	}
	close(release)
	testenv.Eventually(t, "stuck handler catches up", func() bool { return stuckCalls.Load() == 50 })
}

func TestResync(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	cms := client.For[*core.ConfigMap](env.Client()).Namespace("default")
	for i := range 3 {
		cms.Create(ctx, cm("default", fmt.Sprint("r", i), nil), client.CreateOptions{})
	}
	clk := clocktesting.NewFakeClock(time.Now())
	inf := informer.New(informer.FromResource(cms, nil), informer.Options[*core.ConfigMap]{Resync: time.Minute, Clock: clk})
	var resyncs, lateResyncs atomic.Int64
	inf.AddEventHandler(informer.HandlerFuncs[*core.ConfigMap]{UpdateFunc: func(old, obj *core.ConfigMap) {
		if old == obj {
			resyncs.Add(1)
		}
	}})
	inf.AddEventHandlerWithResync(informer.HandlerFuncs[*core.ConfigMap]{UpdateFunc: func(old, obj *core.ConfigMap) {
		if old == obj {
			lateResyncs.Add(1)
		}
	}}, 3*time.Minute)
	go inf.Run(ctx)
	if !informer.WaitForCacheSync(ctx, inf.HasSynced) {
		t.Fatal("no sync")
	}
	if resyncs.Load() != 0 {
		t.Fatal("resync before the period")
	}
	for step := 1; step <= 3; step++ {
		testenv.Eventually(t, "resync ticker waiting", clk.HasWaiters)
		clk.Step(time.Minute)
		testenv.Eventually(t, fmt.Sprintf("resync %d", step), func() bool { return resyncs.Load() == int64(3*step) })
	}
	testenv.Eventually(t, "the 3-minute handler resynced once", func() bool { return lateResyncs.Load() == 3 })
}

// TestSharedObjectsAreReadOnly reads cached objects from many goroutines while updates flow. The
// race detector fails the test if the informer ever wrote to an object it had handed out.
func TestSharedObjectsAreReadOnly(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	cms := client.For[*core.ConfigMap](env.Client()).Namespace("default")
	inf := informer.New(informer.FromResource(cms, nil), informer.Options[*core.ConfigMap]{})
	var seen sync.Map
	inf.AddEventHandler(informer.HandlerFuncs[*core.ConfigMap]{UpdateFunc: func(old, obj *core.ConfigMap) {
		seen.Store(obj.Name, obj) // kept and read later by the readers below
	}})
	go inf.Run(ctx)
	informer.WaitForCacheSync(ctx, inf.HasSynced)
	obj, _ := cms.Create(ctx, cm("default", "hot", map[string]string{"a": "b"}), client.CreateOptions{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sum := 0
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, o := range inf.Lister().List(nil) {
					sum += len(o.Data["i"]) + len(o.Labels) + len(o.ResourceVersion)
				}
				if v, ok := seen.Load("hot"); ok {
					sum += len(v.(*core.ConfigMap).Data)
				}
			}
		}()
	}
	for i := range 100 {
		obj = obj.DeepCopyObject().(*core.ConfigMap)
		obj.Data = map[string]string{"i": fmt.Sprint(i)}
		var err error
		if obj, err = cms.Update(ctx, obj, client.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	testenv.Eventually(t, "last update cached", func() bool {
		o, err := inf.Lister().Namespace("default").Get("hot")
		return err == nil && o.Data["i"] == "99"
	})
	close(stop)
	wg.Wait()
}

func TestFactorySharesInformers(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	c := env.Client()
	f := informer.NewFactory(c, informer.FactoryOptions{})
	a, b := informer.For[*core.ConfigMap](f), informer.For[*core.ConfigMap](f)
	if a != b {
		t.Fatal("two informers for one kind")
	}
	pods := informer.For[*core.Pod](f)
	f.Start(ctx)
	if !f.WaitForCacheSync(ctx) {
		t.Fatal("no sync")
	}
	if !a.HasSynced() || !pods.HasSynced() {
		t.Fatal("not synced")
	}
	if _, err := pods.Lister().Namespace("default").Get("x"); err == nil || err.Error() != `pods "x" not found` {
		t.Errorf("lister error %v", err)
	}
	f.Start(ctx) // again: nothing new to start
	cctx, cancel := context.WithCancel(ctx)
	nodes := informer.For[*core.Node](f)
	f.Start(cctx)
	if !f.WaitForCacheSync(ctx) || !nodes.HasSynced() {
		t.Fatal("informer added later did not start")
	}
	cancel()
}
