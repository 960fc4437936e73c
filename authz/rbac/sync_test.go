package rbac_test

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
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

func openStore(t *testing.T) *memdb.Store {
	t.Helper()
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func resourceOf(obj meta.Object) string {
	switch obj.(type) {
	case *rbacv1.Role:
		return "roles"
	case *rbacv1.ClusterRole:
		return "clusterroles"
	case *rbacv1.RoleBinding:
		return "rolebindings"
	case *rbacv1.ClusterRoleBinding:
		return "clusterrolebindings"
	}
	panic("not an RBAC object")
}

func keyOf(obj meta.Object) string {
	m := obj.GetObjectMeta()
	return store.Key(resourceOf(obj), m.Namespace, m.Name)
}

func create(t *testing.T, st store.Store, objs ...meta.Object) {
	t.Helper()
	for _, obj := range objs {
		if _, err := st.Create(context.Background(), keyOf(obj), obj); err != nil {
			t.Fatal(err)
		}
	}
}

func update(t *testing.T, st store.Store, obj meta.Object) {
	t.Helper()
	if _, err := st.Update(context.Background(), keyOf(obj), obj); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, st store.Store, obj meta.Object) {
	t.Helper()
	if _, err := st.Delete(context.Background(), keyOf(obj), nil); err != nil {
		t.Fatal(err)
	}
}

// run starts a.Run and stops it at the end of the test, failing if Run does not return nil.
func run(t *testing.T, a *rbac.Authorizer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	})
	syncCtx, syncCancel := context.WithTimeout(ctx, 10*time.Second)
	defer syncCancel()
	if err := a.WaitForSync(syncCtx); err != nil {
		t.Fatalf("WaitForSync: %v", err)
	}
}

func decides(a *rbac.Authorizer, attrs authz.Attributes) authz.Decision {
	d, _, _ := a.Authorize(context.Background(), attrs)
	return d
}

func TestFollowsStore(t *testing.T) {
	st := openStore(t)
	podReader := clusterRole("pod-reader", nil, rule("get", "list").groups("").res("pods"))
	create(t, st, podReader, clusterRoleBinding("readers", "pod-reader", groupS("readers")))

	a := rbac.NewFromStore(st, testr.New(t))
	if d, _, err := a.Authorize(context.Background(), req(who("ann", "readers"), "get", "", "pods", "", "ns", "p")); d != authz.NoOpinion || !errors.Is(err, rbac.ErrNotSynced) {
		t.Fatalf("before sync: %v, %v; want no opinion and ErrNotSynced", d, err)
	}
	run(t, a)
	if !a.HasSynced() {
		t.Fatal("HasSynced false after WaitForSync")
	}

	ann := who("ann", "readers")
	getPods := req(ann, "get", "", "pods", "", "ns", "p")
	if d := decides(a, getPods); d != authz.Allow {
		t.Fatalf("objects listed at start: %v", d)
	}

	// A RoleBinding to a Role, created after the start.
	deployer := role("ns", "deployer", rule("create").groups("apps").res("deployments"))
	bob := who("bob")
	createDeploy := req(bob, "create", "apps", "deployments", "", "ns", "")
	rb := roleBinding("ns", "bob", roleRef("Role", "deployer"), userS("bob"))
	create(t, st, rb)
	waitFor(t, a, "bob's binding, whose role is missing", func() bool {
		_, reason, _ := a.Authorize(context.Background(), createDeploy)
		return reason == `RBAC: role.rbac.authorization.k8s.io "deployer" not found`
	})
	create(t, st, deployer)
	waitFor(t, a, "bob's role", func() bool { return decides(a, createDeploy) == authz.Allow })

	// The role changes.
	deployer.Rules = rules(rule("delete").groups("apps").res("deployments"))
	update(t, st, deployer)
	waitFor(t, a, "the role's new rules", func() bool {
		return decides(a, createDeploy) == authz.NoOpinion && decides(a, req(bob, "delete", "apps", "deployments", "", "ns", "d")) == authz.Allow
	})

	// The binding moves from bob to carl.
	rb.Subjects = []rbacv1.Subject{userS("carl")}
	update(t, st, rb)
	waitFor(t, a, "the binding's new subject", func() bool {
		return decides(a, req(bob, "delete", "apps", "deployments", "", "ns", "d")) == authz.NoOpinion &&
			decides(a, req(who("carl"), "delete", "apps", "deployments", "", "ns", "d")) == authz.Allow
	})

	// Aggregation follows labels.
	create(t, st, aggregated("monitoring", nil, map[string]string{"agg": "mon"}),
		clusterRoleBinding("monitoring", "monitoring", userS("mo")))
	getNodes := req(who("mo"), "get", "", "nodes", "", "", "n")
	nodeReader := clusterRole("node-reader", nil, rule("get").groups("").res("nodes"))
	create(t, st, nodeReader)
	nodeReader.Labels = map[string]string{"agg": "mon"}
	update(t, st, nodeReader)
	waitFor(t, a, "node-reader aggregated into monitoring", func() bool { return decides(a, getNodes) == authz.Allow })
	nodeReader.Labels = nil
	update(t, st, nodeReader)
	waitFor(t, a, "node-reader out of monitoring", func() bool { return decides(a, getNodes) == authz.NoOpinion })

	// An object created waiting for its initializers counts once they are done.
	pending := clusterRoleBinding("pending", "pod-reader", userS("ivy"))
	pending.Initializers = &meta.Initializers{Pending: []meta.Initializer{{Name: "example.com/init"}}}
	create(t, st, pending)
	pending.Initializers = nil
	update(t, st, pending)
	waitFor(t, a, "ivy's binding initialized", func() bool { return decides(a, req(who("ivy"), "get", "", "pods", "", "ns", "p")) == authz.Allow })

	// Deletion.
	remove(t, st, podReader)
	waitFor(t, a, "pod-reader deleted", func() bool {
		_, reason, _ := a.Authorize(context.Background(), getPods)
		return reason == `RBAC: clusterrole.rbac.authorization.k8s.io "pod-reader" not found`
	})

	if err := a.Run(context.Background()); !errors.Is(err, rbac.ErrAlreadyRunning) {
		t.Errorf("second Run = %v, want ErrAlreadyRunning", err)
	}
}

func TestUninitializedObjectsGrantNothing(t *testing.T) {
	st := openStore(t)
	pending := clusterRoleBinding("pending", "pod-reader", userS("ivy"))
	pending.Initializers = &meta.Initializers{Pending: []meta.Initializer{{Name: "example.com/init"}}}
	create(t, st, clusterRole("pod-reader", nil, rule("get").groups("").res("pods")), pending)
	a := rbac.NewFromStore(st, testr.New(t))
	run(t, a)
	if d := decides(a, req(who("ivy"), "get", "", "pods", "", "ns", "p")); d != authz.NoOpinion {
		t.Errorf("uninitialized binding: %v, want no opinion", d)
	}
}

// faultySource is a real store whose first watch of roles hangs until fail is closed and then
// reports that it fell behind, and whose first list of cluster roles fails.
type faultySource struct {
	*memdb.Store
	fail          chan struct{}
	watchedRoles  atomic.Bool
	listedCluster atomic.Bool
	roleLists     atomic.Int32
}

func (f *faultySource) List(ctx context.Context, prefix string, opts store.ListOptions) (*store.ListResult, error) {
	switch prefix {
	case store.Prefix("roles", ""):
		f.roleLists.Add(1)
	case store.Prefix("clusterroles", ""):
		if f.listedCluster.CompareAndSwap(false, true) {
			return nil, errors.New("store unavailable")
		}
	}
	return f.Store.List(ctx, prefix, opts)
}

func (f *faultySource) Watch(ctx context.Context, prefix string, opts store.WatchOptions) (store.Watch, error) {
	if prefix == store.Prefix("roles", "") && f.watchedRoles.CompareAndSwap(false, true) {
		return newStuckWatch(ctx, f.fail), nil
	}
	return f.Store.Watch(ctx, prefix, opts)
}

type stuckWatch struct {
	ch     chan store.Event
	cancel context.CancelFunc
	done   sync.WaitGroup
}

func newStuckWatch(ctx context.Context, fail <-chan struct{}) *stuckWatch {
	ctx, cancel := context.WithCancel(ctx)
	w := &stuckWatch{ch: make(chan store.Event), cancel: cancel}
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		defer close(w.ch)
		select {
		case <-fail:
		case <-ctx.Done():
			return
		}
		select {
		case w.ch <- store.Event{Type: store.Error, Err: &store.OpError{Err: store.ErrTooOldResourceVersion}}:
		case <-ctx.Done():
		}
	}()
	return w
}

func (w *stuckWatch) ResultChan() <-chan store.Event { return w.ch }
func (w *stuckWatch) Stop()                          { w.cancel(); w.done.Wait() }

func TestRelistsAfterWatchErrorAndRetriesFailedList(t *testing.T) {
	st := openStore(t)
	roleA := role("ns", "a", rule("get").groups("").res("pods"))
	create(t, st, roleA,
		roleBinding("ns", "u", roleRef("Role", "a"), userS("u")),
		roleBinding("ns", "v", roleRef("Role", "b"), userS("v")))
	src := &faultySource{Store: st, fail: make(chan struct{})}
	clk := clocktesting.NewFakeClock(time.Now())
	a := rbac.New(src, rbac.Options{Logger: testr.New(t), Clock: clk, RetryInterval: time.Minute})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	// The failed list of cluster roles waits a retry interval on the injected clock.
	deadline := time.Now().Add(10 * time.Second)
	for !clk.HasWaiters() {
		if time.Now().After(deadline) {
			t.Fatal("no retry timer after the failed list")
		}
		runtime.Gosched()
	}
	if a.HasSynced() {
		t.Fatal("synced although cluster roles were never listed")
	}
	clk.Step(time.Minute)
	syncCtx, syncCancel := context.WithTimeout(ctx, 10*time.Second)
	defer syncCancel()
	if err := a.WaitForSync(syncCtx); err != nil {
		t.Fatalf("WaitForSync after the retry: %v", err)
	}

	getU := req(who("u"), "get", "", "pods", "", "ns", "p")
	getV := req(who("v"), "get", "", "pods", "", "ns", "p")
	if decides(a, getU) != authz.Allow || decides(a, getV) != authz.NoOpinion {
		t.Fatal("initial list not applied")
	}
	// While the roles watch hangs, role a goes and role b comes; only a new list can tell.
	remove(t, st, roleA)
	create(t, st, role("ns", "b", rule("get").groups("").res("pods")))
	close(src.fail)
	waitFor(t, a, "the relist after the watch error", func() bool {
		return decides(a, getU) == authz.NoOpinion && decides(a, getV) == authz.Allow
	})
	if n := src.roleLists.Load(); n != 2 {
		t.Errorf("roles listed %d times, want 2", n)
	}
}

func TestRunLeavesNoGoroutines(t *testing.T) {
	st := openStore(t)
	create(t, st, clusterRole("c", nil, rule("get").groups("").res("pods")))
	before := runtime.NumGoroutine()
	a := rbac.NewFromStore(st, testr.New(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	if err := a.WaitForSync(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Run has returned, and with it every follower and the watches they stopped; give the
	// scheduler a moment to retire the goroutines that have already finished.
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines after Run returned, %d before", runtime.NumGoroutine(), before)
		}
		runtime.Gosched()
	}
}

// TestConcurrentDecisionsAndUpdates decides while the policy changes under it; run with -race.
func TestConcurrentDecisionsAndUpdates(t *testing.T) {
	st := openStore(t)
	create(t, st, clusterRole("pod-reader", nil, rule("get").groups("").res("pods")),
		aggregated("all", nil, map[string]string{"agg": "all"}))
	a := rbac.NewFromStore(st, testr.New(t))
	run(t, a)

	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			u := who(fmt.Sprintf("user-%d", r), "group-a", "system:authenticated")
			for {
				select {
				case <-stop:
					return
				default:
				}
				a.Authorize(context.Background(), req(u, "get", "", "pods", "", "ns", "p"))
				a.RulesFor(u, "ns")
			}
		}()
	}
	for i := range 40 {
		name := fmt.Sprintf("b-%d", i)
		create(t, st, roleBinding("ns", name, roleRef("ClusterRole", "pod-reader"), userS(fmt.Sprintf("user-%d", i%4)), groupS("group-a")))
		create(t, st, clusterRole(name, map[string]string{"agg": "all"}, rule("list").groups("").res(name)))
	}
	for i := range 40 {
		name := fmt.Sprintf("b-%d", i)
		remove(t, st, roleBinding("ns", name, roleRef("ClusterRole", "pod-reader")))
		remove(t, st, clusterRole(name, nil))
	}
	close(stop)
	readers.Wait()
	waitFor(t, a, "every binding gone", func() bool {
		rules, _ := a.RoleRefRules(roleRef("ClusterRole", "all"), "")
		return decides(a, req(who("user-0", "group-a"), "get", "", "pods", "", "ns", "p")) == authz.NoOpinion && len(rules) == 0
	})
}
