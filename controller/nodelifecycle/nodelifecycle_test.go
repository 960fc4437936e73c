package nodelifecycle_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/defaulttolerationseconds"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/nodelifecycle"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/testenv"
)

// eventually polls cond (in real time: the controller works asynchronously) until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// settle gives the controller a moment to do what it must not do, before a negative check.
func settle() { time.Sleep(150 * time.Millisecond) }

// events records what the controller reports.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) Eventf(obj meta.Object, typ, reason, format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := obj.GetObjectMeta()
	e.list = append(e.list, fmt.Sprintf("%s %s/%s %s %s", typ, m.Namespace, m.Name, reason, fmt.Sprintf(format, args...)))
}

func (e *events) has(s string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, x := range e.list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

type fixture struct {
	t        *testing.T
	ctx      context.Context
	clock    *clocktesting.FakeClock
	nodes    *client.Resource[*core.Node]
	leases   *client.Resource[*coordination.Lease]
	pods     *client.Resource[*core.Pod]
	nodeInf  *informer.Informer[*core.Node]
	leaseInf *informer.Informer[*coordination.Lease]
	podInf   *informer.Informer[*core.Pod]
	ev       *events
	// alive are the nodes whose kubelets renew their leases as the clock advances.
	alive map[string]bool
	// t0 and period place the controller's monitor ticks: t0 + k*period.
	t0     time.Time
	period time.Duration

	mu     sync.Mutex
	passes int
}

func (f *fixture) passCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.passes
}

// start runs a control plane, the controller on a fake clock and its informers; everything stops
// before the test ends.
func start(t *testing.T, opts nodelifecycle.Options) *fixture {
	t.Helper()
	env := testenv.Start(t, testenv.Options{})
	ctx, cancel := context.WithCancel(env.Context)
	c := env.Client()
	f := &fixture{
		t:      t,
		ctx:    ctx,
		clock:  clocktesting.NewFakeClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)),
		nodes:  client.For[*core.Node](c),
		leases: client.For[*coordination.Lease](c).Namespace(core.NamespaceNodeLease),
		pods:   client.For[*core.Pod](c).Namespace("default"),
		ev:     &events{},
		alive:  map[string]bool{},
	}
	f.nodeInf = informer.New(informer.FromResource(f.nodes, nil), informer.Options[*core.Node]{})
	f.leaseInf = informer.New(informer.FromResource(f.leases, nil), informer.Options[*coordination.Lease]{})
	podInf := informer.New(informer.FromResource(client.For[*core.Pod](c), nil), informer.Options[*core.Pod]{})
	f.podInf = podInf
	opts.Clock, opts.Recorder, opts.Logger = f.clock, f.ev, testr.NewWithOptions(t, testr.Options{Verbosity: 2})
	ctl, err := nodelifecycle.New(c, f.nodeInf, f.leaseInf, podInf, opts)
	if err != nil {
		t.Fatal(err)
	}
	f.t0, f.period = f.clock.Now(), opts.NodeMonitorPeriod
	if f.period == 0 {
		f.period = nodelifecycle.DefaultNodeMonitorPeriod
	}
	nodelifecycle.SetAfterPass(ctl, func() {
		f.mu.Lock()
		f.passes++
		f.mu.Unlock()
	})
	var wg sync.WaitGroup
	for _, run := range []func(context.Context){f.nodeInf.Run, f.leaseInf.Run, podInf.Run} {
		wg.Add(1)
		go func() { defer wg.Done(); run(ctx) }()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := ctl.Run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); wg.Wait() })
	// The first pass runs once the caches have synced, after the controller's tickers start.
	eventually(t, "first monitor pass", func() bool { return f.passCount() > 0 })
	return f
}

// register creates a node as its kubelet would: Ready, with a lease, renewed from now on. It
// returns once both are in the controller's caches: the next monitor pass sees them.
func (f *fixture) register(name string, labels map[string]string) {
	f.t.Helper()
	now := meta.NewTime(f.clock.Now())
	node := &core.Node{
		ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels},
		Status:     core.NodeStatus{Conditions: kubeletConditions(core.ConditionTrue, now)},
	}
	if _, err := f.nodes.Create(f.ctx, node, client.CreateOptions{}); err != nil {
		f.t.Fatal(err)
	}
	holder, duration, renew := name, int32(40), meta.NewMicroTime(f.clock.Now())
	lease := &coordination.Lease{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: core.NamespaceNodeLease},
		Spec:       coordination.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &duration, RenewTime: &renew},
	}
	if _, err := f.leases.Create(f.ctx, lease, client.CreateOptions{}); err != nil {
		f.t.Fatal(err)
	}
	f.alive[name] = true
	eventually(f.t, "node and lease in the caches", func() bool {
		_, node := f.nodeInf.Cache().Get(name)
		_, lease := f.leaseInf.Cache().Get(core.NamespaceNodeLease + "/" + name)
		return node && lease
	})
}

func kubeletConditions(ready core.ConditionStatus, now meta.Time) []core.NodeCondition {
	conds := []core.NodeCondition{{Type: core.NodeReady, Status: ready, Reason: "KubeletReady", LastHeartbeatTime: now, LastTransitionTime: now}}
	if ready != core.ConditionTrue {
		conds[0].Reason = "KubeletNotReady"
	}
	for _, t := range []core.NodeConditionType{core.NodeMemoryPressure, core.NodeDiskPressure, core.NodePIDPressure} {
		conds = append(conds, core.NodeCondition{Type: t, Status: core.ConditionFalse, LastHeartbeatTime: now, LastTransitionTime: now})
	}
	return conds
}

// postStatus posts the node's status as its kubelet would, with a fresh heartbeat, and waits
// until the controller's cache has it.
func (f *fixture) postStatus(name string, ready core.ConditionStatus, change func(*core.Node)) {
	f.t.Helper()
	for {
		n, err := f.nodes.Get(f.ctx, name, client.GetOptions{})
		if err != nil {
			f.t.Fatal(err)
		}
		n.Status.Conditions = kubeletConditions(ready, meta.NewTime(f.clock.Now()))
		if change != nil {
			change(n)
		}
		written, err := f.nodes.UpdateStatus(f.ctx, n, client.UpdateOptions{})
		if apierrors.IsConflict(err) {
			continue
		}
		if err != nil {
			f.t.Fatal(err)
		}
		want := written.Status.Conditions[0]
		eventually(f.t, "node status in the cache", func() bool {
			c, ok := f.nodeInf.Cache().Get(name)
			return ok && len(c.Status.Conditions) > 0 && c.Status.Conditions[0].Status == want.Status &&
				c.Status.Conditions[0].LastHeartbeatTime.Time.Equal(want.LastHeartbeatTime.Time)
		})
		return
	}
}

// renew renews the leases of the live nodes, and waits until the controller's cache has them.
func (f *fixture) renew() {
	f.t.Helper()
	for name := range f.alive {
		l, err := f.leases.Get(f.ctx, name, client.GetOptions{})
		if err != nil {
			f.t.Fatal(err)
		}
		renew := meta.NewMicroTime(f.clock.Now())
		l.Spec.RenewTime = &renew
		if _, err := f.leases.Update(f.ctx, l, client.UpdateOptions{}); err != nil {
			f.t.Fatal(err)
		}
		eventually(f.t, "renewed lease in the cache", func() bool {
			c, ok := f.leaseInf.Cache().Get(core.NamespaceNodeLease + "/" + name)
			return ok && c.Spec.RenewTime != nil && c.Spec.RenewTime.Equal(renew.Time)
		})
	}
}

// advance moves the clock by d in steps of at most 10 s, the live kubelets renewing their leases
// before each step. After a step that reaches a monitor tick it waits for the pass it starts, so
// that every pass sees the time of its tick.
func (f *fixture) advance(d time.Duration) {
	f.t.Helper()
	for d > 0 {
		step := min(d, 10*time.Second)
		f.renew()
		now := f.clock.Now()
		ticks := func(t time.Time) int64 { return int64(t.Sub(f.t0) / f.period) }
		before := f.passCount()
		f.clock.Step(step)
		if ticks(now.Add(step)) > ticks(now) {
			eventually(f.t, "monitor pass", func() bool { return f.passCount() > before })
		}
		d -= step
	}
}

// advanceTo moves the clock to t (see advance).
func (f *fixture) advanceTo(t time.Time) { f.advance(t.Sub(f.clock.Now())) }

func (f *fixture) waitEvent(s string) {
	f.t.Helper()
	eventually(f.t, "event "+s, func() bool { return f.ev.has(s) })
}

func (f *fixture) node(name string) *core.Node {
	f.t.Helper()
	n, err := f.nodes.Get(f.ctx, name, client.GetOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// cordon sets the node's spec.unschedulable, as kubectl cordon does.
func (f *fixture) cordon(name string, on bool) {
	f.t.Helper()
	for {
		n := f.node(name)
		n.Spec.Unschedulable = on
		_, err := f.nodes.Update(f.ctx, n, client.UpdateOptions{})
		if err == nil {
			return
		}
		if !apierrors.IsConflict(err) {
			f.t.Fatal(err)
		}
	}
}

func (f *fixture) taint(name, key string, effect core.TaintEffect) *core.Taint {
	for _, t := range f.node(name).Spec.Taints {
		if t.Key == key && t.Effect == effect {
			return &t
		}
	}
	return nil
}

func (f *fixture) condition(name string, t core.NodeConditionType) core.NodeCondition {
	for _, c := range f.node(name).Status.Conditions {
		if c.Type == t {
			return c
		}
	}
	return core.NodeCondition{}
}

// createPod creates a pod bound to node, ready if ready is set.
func (f *fixture) createPod(name, node string, tolerations []core.Toleration, ready bool) {
	f.t.Helper()
	p := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default"},
		Spec: core.PodSpec{
			NodeName:    node,
			Containers:  []core.Container{{Name: "c", Image: "nginx"}},
			Tolerations: tolerations,
		},
	}
	p, err := f.pods.Create(f.ctx, p, client.CreateOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	if ready {
		p.Status.Phase = core.PodRunning
		p.Status.Conditions = []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue, LastTransitionTime: meta.NewTime(f.clock.Now())}}
		if p, err = f.pods.UpdateStatus(f.ctx, p, client.UpdateOptions{}); err != nil {
			f.t.Fatal(err)
		}
	}
	// The controller must see the pod before the clock moves on: it counts tolerations from
	// when it saw the pod bound, however loaded the machine is.
	eventually(f.t, "pod "+name+" cached", func() bool {
		c, ok := f.podInf.Cache().Get("default/" + name)
		return ok && c.ResourceVersion == p.ResourceVersion
	})
}

// deleted reports whether the pod is gone or being deleted (bound pods wait for their kubelet).
func (f *fixture) deleted(name string) bool {
	f.t.Helper()
	p, err := f.pods.Get(f.ctx, name, client.GetOptions{})
	if apierrors.IsNotFound(err) {
		return true
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return p.DeletionTimestamp != nil
}

func (f *fixture) pod(name string) *core.Pod {
	f.t.Helper()
	p, err := f.pods.Get(f.ctx, name, client.GetOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// defaultTolerations are those the DefaultTolerationSeconds admission plugin gives a pod that
// has none: not-ready and unreachable, NoExecute, for 300 s.
func defaultTolerations(t *testing.T) []core.Toleration {
	p := &core.Pod{}
	a := &admission.Attributes{Operation: admission.Create, Object: p, Group: core.GroupName, Resource: "pods"}
	if err := defaulttolerationseconds.New(defaulttolerationseconds.Options{}).Admit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(p.Spec.Tolerations) != 2 {
		t.Fatalf("default tolerations %+v", p.Spec.Tolerations)
	}
	return p.Spec.Tolerations
}

func seconds(s int64) *int64 { return &s }

// TestSilentNodeIsTaintedAndEvicted follows a node whose kubelet goes silent and comes back,
// next to a healthy node (were it alone, the controller would assume a fault of its own and
// evict nothing: see TestAllNodesSilent).
func TestSilentNodeIsTaintedAndEvicted(t *testing.T) {
	f := start(t, nodelifecycle.Options{})
	f.register("a", nil)
	f.register("b", nil)

	f.createPod("plain", "a", nil, false)
	f.createPod("default", "a", defaultTolerations(t), false)
	f.createPod("long", "a", []core.Toleration{{Key: nodelifecycle.TaintNodeUnreachable, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute, TolerationSeconds: seconds(600)}}, false)
	f.createPod("forever", "a", []core.Toleration{{Operator: core.TolerationOpExists}}, true)
	f.createPod("elsewhere", "b", nil, true)

	// Kubelets renewing their leases keep their nodes Ready and untainted, for as long as they do.
	start := f.clock.Now()
	f.advance(2 * time.Minute)
	settle()
	for _, name := range []string{"a", "b"} {
		if c := f.condition(name, core.NodeReady); c.Status != core.ConditionTrue {
			t.Fatalf("node %s Ready %s after two minutes of renewed leases", name, c.Status)
		}
		if taints := f.node(name).Spec.Taints; len(taints) != 0 {
			t.Fatalf("node %s tainted %+v", name, taints)
		}
	}

	// a's kubelet goes silent: 50 s later (the grace period) its conditions are Unknown.
	delete(f.alive, "a")
	silentSince := f.clock.Now()
	f.advance(45 * time.Second)
	settle()
	if c := f.condition("a", core.NodeReady); c.Status != core.ConditionTrue {
		t.Fatalf("node a Ready %s after 45 s of silence, within the grace period", c.Status)
	}
	f.advance(10 * time.Second)
	eventually(t, "a Unknown", func() bool { return f.condition("a", core.NodeReady).Status == core.ConditionUnknown })
	for _, ct := range []core.NodeConditionType{core.NodeReady, core.NodeMemoryPressure, core.NodeDiskPressure, core.NodePIDPressure} {
		c := f.condition("a", ct)
		if c.Status != core.ConditionUnknown || c.Reason != "NodeStatusUnknown" || c.Message != "Kubelet stopped posting node status." {
			t.Errorf("condition %s: %+v", ct, c)
		}
		if at := c.LastTransitionTime.Time; at.Before(silentSince.Add(50*time.Second)) || at.After(f.clock.Now()) {
			t.Errorf("condition %s moved at %v, want after %v", ct, at, silentSince.Add(50*time.Second))
		}
		if !c.LastHeartbeatTime.Time.Equal(start) {
			t.Errorf("condition %s heartbeat %v changed, want the kubelet's %v", ct, c.LastHeartbeatTime, start)
		}
	}
	f.waitEvent("Normal /a NodeNotReady Node a status is now: NodeNotReady")

	// Tainted unreachable, NoExecute and NoSchedule, with timeAdded.
	eventually(t, "unreachable taints", func() bool {
		return f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoExecute) != nil &&
			f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoSchedule) != nil
	})
	noExec := f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoExecute)
	if noExec.TimeAdded == nil || noExec.TimeAdded.Time.Before(silentSince.Add(50*time.Second)) || noExec.TimeAdded.Time.After(f.clock.Now()) {
		t.Fatalf("NoExecute taint timeAdded %v", noExec.TimeAdded)
	}
	if ns := f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoSchedule); ns.TimeAdded == nil {
		t.Errorf("NoSchedule taint without timeAdded")
	}
	tainted := noExec.TimeAdded.Time

	// The pod without tolerations goes at once, with a DisruptionTarget condition; the ready
	// pod that stays is marked not ready.
	eventually(t, "plain deleted", func() bool { return f.deleted("plain") })
	if c := f.pod("plain").Condition(core.DisruptionTarget); c == nil || c.Status != core.ConditionTrue || c.Reason != "DeletionByTaintManager" {
		t.Errorf("DisruptionTarget %+v", c)
	}
	f.waitEvent("Normal default/plain TaintManagerEviction Marking for deletion Pod default/plain")
	eventually(t, "forever marked not ready", func() bool { return !core.IsPodReady(f.pod("forever")) })
	f.waitEvent("Warning default/forever NodeNotReady Node is not ready")

	// The default 300 s toleration holds until 300 s after the taint.
	f.advanceTo(tainted.Add(299 * time.Second))
	settle()
	for _, name := range []string{"default", "long", "forever", "elsewhere"} {
		if f.deleted(name) {
			t.Fatalf("pod %s deleted %v after the taint", name, f.clock.Now().Sub(tainted))
		}
	}
	f.advance(2 * time.Second)
	eventually(t, "default deleted 300 s after the taint", func() bool { return f.deleted("default") })
	if !core.IsPodReady(f.pod("elsewhere")) {
		t.Error("pod of the healthy node marked not ready")
	}
	if taints := f.node("b").Spec.Taints; len(taints) != 0 {
		t.Fatalf("healthy node b tainted %+v", taints)
	}

	// a's kubelet is back: the taints go, and with them long's pending deletion.
	f.alive["a"] = true
	f.renew()
	f.postStatus("a", core.ConditionTrue, nil)
	f.advance(5 * time.Second)
	eventually(t, "a Ready", func() bool { return f.condition("a", core.NodeReady).Status == core.ConditionTrue })
	eventually(t, "taints removed", func() bool { return len(f.node("a").Spec.Taints) == 0 })
	f.waitEvent("Normal default/long TaintManagerEviction Cancelling deletion of Pod default/long")
	f.advanceTo(tainted.Add(11 * time.Minute))
	settle()
	for _, name := range []string{"long", "forever", "elsewhere"} {
		if f.deleted(name) {
			t.Errorf("pod %s deleted after its node recovered", name)
		}
	}
	if c := f.condition("a", core.NodeReady); c.Status != core.ConditionTrue {
		t.Errorf("a Ready %s with its lease renewed", c.Status)
	}
}

// TestKubeletReportsConditions: conditions the kubelet posts become taints, and they follow
// the conditions as they change.
func TestKubeletReportsConditions(t *testing.T) {
	f := start(t, nodelifecycle.Options{})
	f.register("a", nil)
	f.register("b", nil)
	f.createPod("plain", "a", nil, false)
	f.createPod("tolerant", "a", []core.Toleration{{Key: nodelifecycle.TaintNodeNotReady, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute, TolerationSeconds: seconds(600)}}, false)

	// Memory pressure and a cordon: NoSchedule taints only.
	f.postStatus("a", core.ConditionTrue, func(n *core.Node) {
		for i := range n.Status.Conditions {
			if n.Status.Conditions[i].Type == core.NodeMemoryPressure {
				n.Status.Conditions[i].Status = core.ConditionTrue
			}
		}
	})
	f.cordon("a", true)
	eventually(t, "memory-pressure and unschedulable taints", func() bool {
		return f.taint("a", nodelifecycle.TaintNodeMemoryPressure, core.TaintEffectNoSchedule) != nil &&
			f.taint("a", nodelifecycle.TaintNodeUnschedulable, core.TaintEffectNoSchedule) != nil
	})

	// Ready=False from a live kubelet: not-ready, NoSchedule and NoExecute; memory pressure gone.
	f.postStatus("a", core.ConditionFalse, nil)
	f.advance(5 * time.Second)
	eventually(t, "not-ready taints", func() bool {
		return f.taint("a", nodelifecycle.TaintNodeNotReady, core.TaintEffectNoExecute) != nil &&
			f.taint("a", nodelifecycle.TaintNodeNotReady, core.TaintEffectNoSchedule) != nil &&
			f.taint("a", nodelifecycle.TaintNodeMemoryPressure, core.TaintEffectNoSchedule) == nil
	})
	if f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoExecute) != nil {
		t.Error("a live kubelet's node tainted unreachable")
	}
	if c := f.condition("a", core.NodeReady); c.Status != core.ConditionFalse || c.Reason != "KubeletNotReady" {
		t.Errorf("the controller changed the kubelet's Ready condition: %+v", c)
	}
	eventually(t, "plain deleted", func() bool { return f.deleted("plain") })

	// The kubelet goes silent: Unknown, and the NoExecute taint swaps to unreachable at once,
	// keeping the tolerant pod's deletion pending.
	delete(f.alive, "a")
	f.advance(55 * time.Second)
	eventually(t, "unreachable taints", func() bool {
		return f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoExecute) != nil &&
			f.taint("a", nodelifecycle.TaintNodeNotReady, core.TaintEffectNoExecute) == nil &&
			f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoSchedule) != nil &&
			f.taint("a", nodelifecycle.TaintNodeNotReady, core.TaintEffectNoSchedule) == nil
	})
	// tolerant tolerates not-ready only: unreachable is not tolerated, so it goes at once.
	eventually(t, "tolerant deleted", func() bool { return f.deleted("tolerant") })

	// Back and Ready, uncordoned: every managed taint goes.
	f.alive["a"] = true
	f.renew()
	f.postStatus("a", core.ConditionTrue, nil)
	f.cordon("a", false)
	f.advance(5 * time.Second)
	eventually(t, "taints removed", func() bool { return len(f.node("a").Spec.Taints) == 0 })
}

// TestAllNodesSilent: when no node is Ready the controller suspects itself and evicts nothing,
// as Kubernetes does; once a node is Ready again the others get a fresh grace period.
func TestAllNodesSilent(t *testing.T) {
	f := start(t, nodelifecycle.Options{})
	f.register("a", nil)
	f.createPod("plain", "a", nil, false)
	delete(f.alive, "a")
	f.advance(70 * time.Second)
	eventually(t, "a Unknown, NoSchedule", func() bool {
		return f.condition("a", core.NodeReady).Status == core.ConditionUnknown &&
			f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoSchedule) != nil
	})
	f.advance(30 * time.Second)
	settle()
	if f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoExecute) != nil || f.deleted("plain") {
		t.Fatal("the only node was tainted NoExecute or its pod evicted")
	}

	// Another node comes up Ready: the controller trusts itself again, and a, still Unknown, is
	// tainted as soon as its zone's rate allows.
	f.register("b", nil)
	f.advance(20 * time.Second)
	eventually(t, "a tainted NoExecute", func() bool {
		return f.taint("a", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoExecute) != nil
	})
	eventually(t, "plain deleted", func() bool { return f.deleted("plain") })
	if f.taint("b", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoExecute) != nil {
		t.Error("the new node was tainted")
	}
}

// TestNodeThatNeverPosts: a node registered without status has the startup grace period,
// counted from when the controller first saw it.
func TestNodeThatNeverPosts(t *testing.T) {
	f := start(t, nodelifecycle.Options{NodeStartupGracePeriod: 90 * time.Second})
	f.register("b", nil)
	if _, err := f.nodes.Create(f.ctx, &core.Node{ObjectMeta: meta.ObjectMeta{Name: "mute"}}, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The next pass must find it in the cache, however loaded the machine is.
	eventually(t, "mute cached", func() bool { _, ok := f.nodeInf.Cache().Get("mute"); return ok })
	f.advance(5 * time.Second) // the controller first sees it
	f.waitEvent("RegisteredNode Registered Node mute")
	f.advance(85 * time.Second)
	settle()
	if conds := f.node("mute").Status.Conditions; len(conds) != 0 {
		t.Fatalf("conditions within the startup grace period: %+v", conds)
	}
	f.advance(10 * time.Second)
	eventually(t, "conditions Unknown", func() bool { return len(f.node("mute").Status.Conditions) == 4 })
	for _, c := range f.node("mute").Status.Conditions {
		if c.Status != core.ConditionUnknown || c.Reason != "NodeStatusNeverUpdated" || c.Message != "Kubelet never posted node status." {
			t.Errorf("condition %+v", c)
		}
	}
	eventually(t, "unreachable NoExecute", func() bool {
		return f.taint("mute", nodelifecycle.TaintNodeUnreachable, core.TaintEffectNoExecute) != nil
	})
	// Deleted, it is forgotten.
	if err := f.nodes.Delete(f.ctx, "mute", client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "mute gone from the cache", func() bool { _, ok := f.nodeInf.Cache().Get("mute"); return !ok })
	f.advance(5 * time.Second)
	f.waitEvent("Normal /mute RemovingNode Removing Node mute from Controller")
}

// TestSharedPodInformer: two controllers (or another user of the spec.nodeName index) can share
// one pod informer.
func TestSharedPodInformer(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	c := env.Client()
	nodeInf := informer.New(informer.FromResource(client.For[*core.Node](c), nil), informer.Options[*core.Node]{})
	leaseInf := informer.New(informer.FromResource(client.For[*coordination.Lease](c), nil), informer.Options[*coordination.Lease]{})
	podInf := informer.New(informer.FromResource(client.For[*core.Pod](c), nil), informer.Options[*core.Pod]{})
	for range 2 {
		if _, err := nodelifecycle.New(c, nodeInf, leaseInf, podInf, nodelifecycle.Options{}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGracePeriodFlag: with --node-monitor-grace-period=40s (Kubernetes' default before 1.32, and
// skiff controller-manager's), a node whose lease has not been renewed for 40 s is Unknown at the
// next monitor pass.
func TestGracePeriodFlag(t *testing.T) {
	f := start(t, nodelifecycle.Options{NodeMonitorGracePeriod: 40 * time.Second})
	f.register("a", nil)
	f.register("b", nil)
	delete(f.alive, "a")
	f.advance(35 * time.Second)
	settle()
	if c := f.condition("a", core.NodeReady); c.Status != core.ConditionTrue {
		t.Fatalf("Ready %s after 35 s of silence", c.Status)
	}
	// The silence is counted from when the controller saw the last heartbeat, at its first pass
	// (by t0+10 s, when the first clock step fires its ticker); Unknown follows at the first pass
	// past 40 s more.
	f.advance(20 * time.Second)
	eventually(t, "a Unknown after 40 s", func() bool { return f.condition("a", core.NodeReady).Status == core.ConditionUnknown })
	if c := f.condition("b", core.NodeReady); c.Status != core.ConditionTrue {
		t.Errorf("b, renewing, is %s", c.Status)
	}
}
