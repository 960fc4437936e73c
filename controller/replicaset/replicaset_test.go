package replicaset_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/controller"
	"github.com/skiff-io/skiff/controller/replicaset"
	"github.com/skiff-io/skiff/controller/workqueue"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/informer/informertest"
	"github.com/skiff-io/skiff/testenv"
)

type fixture struct {
	env  *testenv.Env
	ctx  context.Context
	pods *client.Resource[*core.Pod]
	rss  *client.Resource[*apps.ReplicaSet]
	ev   *record.ListRecorder
}

// start runs the controller; podSource, when set, wraps the pod informer's source.
func start(t *testing.T, opts testenv.Options, podSource func(informer.Source[*core.Pod]) informer.Source[*core.Pod], ropts ...replicaset.Options) *fixture {
	t.Helper()
	env := testenv.Start(t, opts)
	c := env.Client()
	pods := client.For[*core.Pod](c)
	rss := client.For[*apps.ReplicaSet](c)
	var psrc informer.Source[*core.Pod] = informer.FromResource(pods, nil)
	if podSource != nil {
		psrc = podSource(psrc)
	}
	podInf := informer.New(psrc, informer.Options[*core.Pod]{})
	rsInf := informer.New(informer.FromResource(rss, nil), informer.Options[*apps.ReplicaSet]{})
	ev := &record.ListRecorder{}
	var ro replicaset.Options
	if len(ropts) > 0 {
		ro = ropts[0]
	}
	ro.Recorder = ev
	ctl, err := replicaset.New(c, rsInf, podInf, ro)
	if err != nil {
		t.Fatal(err)
	}
	go podInf.Run(env.Context)
	go rsInf.Run(env.Context)
	go ctl.Run(env.Context)
	return &fixture{env: env, ctx: env.Context, pods: pods.Namespace("default"), rss: rss.Namespace("default"), ev: ev}
}

func newRS(name string, replicas int32) *apps.ReplicaSet {
	return &apps.ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default"},
		Spec: apps.ReplicaSetSpec{
			Replicas: &replicas,
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": name, "tier": "x"}},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}},
			},
		},
	}
}

func (f *fixture) active(t *testing.T, sel string) []*core.Pod {
	t.Helper()
	l, err := f.pods.List(f.ctx, client.ListOptions{LabelSelector: sel})
	if err != nil {
		t.Fatal(err)
	}
	var out []*core.Pod
	for _, p := range l.Items {
		if core.IsPodActive(p) {
			out = append(out, p)
		}
	}
	return out
}

func (f *fixture) scale(t *testing.T, name string, n int32) {
	t.Helper()
	for {
		rs, err := f.rss.Get(f.ctx, name, client.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rs.Spec.Replicas = &n
		if _, err = f.rss.Update(f.ctx, rs, client.UpdateOptions{}); !apierrors.IsConflict(err) {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
	}
}

func (f *fixture) status(t *testing.T, name string) apps.ReplicaSetStatus {
	rs, err := f.rss.Get(f.ctx, name, client.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rs.Status
}

// markReady makes a pod look as a kubelet would: bound, running, ready.
func (f *fixture) markReady(t *testing.T, p *core.Pod, node string) {
	t.Helper()
	if p.Spec.NodeName == "" {
		b := &core.Binding{ObjectMeta: meta.ObjectMeta{Name: p.Name}, Target: core.ObjectReference{Kind: "Node", Name: node}}
		if err := f.pods.CreateSubresource(f.ctx, p.Name, "binding", b, nil, client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	cur, err := f.pods.Get(f.ctx, p.Name, client.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cur.Status.Phase = core.PodRunning
	cur.Status.Conditions = []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue, LastTransitionTime: meta.Now()}}
	if _, err := f.pods.UpdateStatus(f.ctx, cur, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestScaleUpAndDown(t *testing.T) {
	f := start(t, testenv.Options{}, nil)
	rs, err := f.rss.Create(f.ctx, newRS("web", 5), client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "5 pods", func() bool { return len(f.active(t, "app=web")) == 5 })
	testenv.Eventually(t, "status counts 5", func() bool {
		st := f.status(t, "web")
		return st.Replicas == 5 && st.FullyLabeledReplicas == 5 && st.ObservedGeneration == rs.Generation
	})
	for _, p := range f.active(t, "app=web") {
		ref := p.ControllerRef()
		if ref == nil || ref.UID != rs.UID || ref.Kind != "ReplicaSet" || ref.APIVersion != "apps/v1" || ref.BlockOwnerDeletion == nil || !*ref.BlockOwnerDeletion {
			t.Errorf("pod %s owner %+v", p.Name, p.OwnerReferences)
		}
		if !strings.HasPrefix(p.Name, "web-") || p.Labels["tier"] != "x" {
			t.Errorf("pod %s labels %v", p.Name, p.Labels)
		}
	}
	if n := f.ev.Count("Normal SuccessfulCreate Created pod: web-"); n != 5 {
		t.Errorf("%d SuccessfulCreate events", n)
	}

	// Two pods become ready on node a, one on node b; scaling to 3 deletes the two unscheduled
	// pods first.
	pods := f.active(t, "app=web")
	f.markReady(t, pods[0], "a")
	f.markReady(t, pods[1], "a")
	f.markReady(t, pods[2], "b")
	testenv.Eventually(t, "3 ready", func() bool { return f.status(t, "web").ReadyReplicas == 3 })
	if st := f.status(t, "web"); st.AvailableReplicas != 3 {
		t.Errorf("available %d", st.AvailableReplicas)
	}
	f.scale(t, "web", 3)
	testenv.Eventually(t, "3 pods", func() bool { return len(f.active(t, "app=web")) == 3 })
	for _, p := range f.active(t, "app=web") {
		if p.Spec.NodeName == "" {
			t.Errorf("unscheduled pod %s survived the scale-down", p.Name)
		}
	}
	// Then to 2: of the ready pods, one of the two sharing node a goes.
	f.scale(t, "web", 2)
	testenv.Eventually(t, "2 pods", func() bool { return len(f.active(t, "app=web")) == 2 })
	nodes := map[string]int{}
	for _, p := range f.active(t, "app=web") {
		nodes[p.Spec.NodeName]++
	}
	if nodes["a"] != 1 || nodes["b"] != 1 {
		t.Errorf("survivors on nodes %v, want one on a and one on b", nodes)
	}
	testenv.Eventually(t, "status 2", func() bool { st := f.status(t, "web"); return st.Replicas == 2 && st.ReadyReplicas == 2 })
	if n := f.ev.Count("Normal SuccessfulDelete"); n != 3 {
		t.Errorf("%d SuccessfulDelete events", n)
	}

	// A deleted pod is replaced.
	victim := f.active(t, "app=web")[0]
	if err := f.pods.Delete(f.ctx, victim.Name, client.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "replacement", func() bool {
		ps := f.active(t, "app=web")
		return len(ps) == 2 && ps[0].Name != victim.Name && ps[1].Name != victim.Name
	})
}

func TestAdoptAndRelease(t *testing.T) {
	f := start(t, testenv.Options{}, nil)
	orphan := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "orphan", Namespace: "default", Labels: map[string]string{"app": "db"}},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "c", Image: "x"}}},
	}
	if _, err := f.pods.Create(f.ctx, orphan, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rs, err := f.rss.Create(f.ctx, newRS("db", 3), client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "3 pods", func() bool { return len(f.active(t, "app=db")) == 3 })
	p, err := f.pods.Get(f.ctx, "orphan", client.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ref := p.ControllerRef(); ref == nil || ref.UID != rs.UID {
		t.Fatalf("orphan not adopted: %+v", p.OwnerReferences)
	}
	// The event follows the create's answer, which may come after the test saw the pod.
	testenv.Eventually(t, "SuccessfulCreate events", func() bool { return f.ev.Count("Normal SuccessfulCreate") >= 2 })
	if n := f.ev.Count("Normal SuccessfulCreate"); n != 2 {
		t.Errorf("%d pods created, want 2 next to the adopted one", n)
	}
	testenv.Eventually(t, "fully labeled 2 of 3", func() bool {
		st := f.status(t, "db")
		return st.Replicas == 3 && st.FullyLabeledReplicas == 2 // the orphan lacks tier=x
	})

	// Relabel it out of the selector: released, and replaced.
	p.Labels = map[string]string{"app": "other"}
	if _, err := f.pods.Update(f.ctx, p, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "released", func() bool {
		p, err := f.pods.Get(f.ctx, "orphan", client.GetOptions{})
		return err == nil && len(p.OwnerReferences) == 0
	})
	testenv.Eventually(t, "replaced", func() bool { return len(f.active(t, "app=db")) == 3 })
}

// TestNoOverCreationWithLaggingCache runs the controller on a pod informer whose events arrive
// 300 ms late and whose watch breaks every few events: the expectations must keep it from
// creating a pod twice while it waits to see its own creations.
func TestNoOverCreationWithLaggingCache(t *testing.T) {
	f := start(t, testenv.Options{}, func(s informer.Source[*core.Pod]) informer.Source[*core.Pod] {
		return &informertest.Faulty[*core.Pod]{Src: s, Delay: 300 * time.Millisecond, DropEvery: 5}
	})
	// An independent watcher records the most pods that ever existed at once.
	var most, now atomic.Int64
	w, err := f.pods.Watch(f.ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	go func() {
		for ev := range w.Events() {
			switch ev.Type {
			case client.Added:
				if n := now.Add(1); n > most.Load() {
					most.Store(n)
				}
			case client.Deleted:
				now.Add(-1)
			}
		}
	}()
	if _, err := f.rss.Create(f.ctx, newRS("lag", 20), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "20 pods", func() bool { return len(f.active(t, "app=lag")) == 20 })
	testenv.Eventually(t, "status 20", func() bool { return f.status(t, "lag").Replicas == 20 })
	time.Sleep(time.Second) // several informer delays: a mistaken extra creation would show now
	if n := len(f.active(t, "app=lag")); n != 20 || most.Load() != 20 {
		t.Fatalf("%d pods now, %d at most: want exactly 20", n, most.Load())
	}
	f.scale(t, "lag", 5)
	testenv.Eventually(t, "5 pods", func() bool { return len(f.active(t, "app=lag")) == 5 })
	time.Sleep(time.Second)
	if n := len(f.active(t, "app=lag")); n != 5 {
		t.Fatalf("%d pods after scaling to 5 on a lagging cache", n)
	}
	if n := f.ev.Count("Normal SuccessfulDelete"); n != 15 {
		t.Fatalf("%d deletions, want 15", n)
	}
}

// denyAfter is an admission plugin that lets n pods be created, then refuses.
type denyAfter struct {
	n        int64
	attempts atomic.Int64
}

func (d *denyAfter) Name() string                        { return "DenyAfter" }
func (d *denyAfter) Handles(op admission.Operation) bool { return op == admission.Create }
func (d *denyAfter) Validate(ctx context.Context, a *admission.Attributes) error {
	if a.Resource != "pods" || a.Subresource != "" {
		return nil
	}
	if d.attempts.Add(1) > d.n {
		return apierrors.NewForbidden(apierrors.GroupResource{Resource: "pods"}, a.Name, fmt.Errorf("exceeded quota: only %d pods", d.n))
	}
	return nil
}

// TestSlowStart: when creations start failing, the controller stops doubling its batches at the
// first failure rather than sending every creation.
func TestSlowStart(t *testing.T) {
	deny := &denyAfter{n: 3}
	// Retries wait an hour, so that the test sees the first sync alone.
	slowRetries := replicaset.Options{Controller: controller.Options{RateLimiter: workqueue.ItemExponentialFailure[controller.Request](time.Hour, time.Hour)}}
	f := start(t, testenv.Options{Server: func(c *apiserver.Config) { c.Admission = admission.Chain{deny} }}, nil, slowRetries)
	if _, err := f.rss.Create(f.ctx, newRS("slow", 100), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "ReplicaFailure", func() bool {
		for _, c := range f.status(t, "slow").Conditions {
			if c.Type == apps.ReplicaSetReplicaFailure && c.Status == core.ConditionTrue && c.Reason == "FailedCreate" && strings.Contains(c.Message, "exceeded quota") {
				return true
			}
		}
		return false
	})
	// Batches of 1 and 2 succeed (3 pods), the batch of 4 fails: 7 attempts, not 100. Later
	// syncs (on the events of the 3 new pods and of the status update) each try a batch of 1.
	time.Sleep(200 * time.Millisecond)
	if a := deny.attempts.Load(); a < 7 || a > 12 {
		t.Errorf("%d create attempts, want 7 in the first sync and a few single ones after", a)
	}
	if n := len(f.active(t, "app=slow")); n != 3 {
		t.Errorf("%d pods", n)
	}
	if f.ev.Count("Warning FailedCreate") == 0 {
		t.Error("no FailedCreate event")
	}
}
