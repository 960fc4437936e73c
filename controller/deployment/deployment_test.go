package deployment_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/controller/deployment"
	"github.com/skiff-io/skiff/controller/replicaset"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/testenv"
)

type fixture struct {
	env  *testenv.Env
	ctx  context.Context
	c    *client.Client
	deps *client.Resource[*apps.Deployment]
	rss  *client.Resource[*apps.ReplicaSet]
	pods *client.Resource[*core.Pod]
	ev   *record.ListRecorder
}

func newFixture(t *testing.T) *fixture {
	env := testenv.Start(t, testenv.Options{})
	c := env.Client()
	return &fixture{env: env, ctx: env.Context, c: c, ev: &record.ListRecorder{},
		deps: client.For[*apps.Deployment](c).Namespace("default"),
		rss:  client.For[*apps.ReplicaSet](c).Namespace("default"),
		pods: client.For[*core.Pod](c).Namespace("default"),
	}
}

// controllers runs the deployment and replicaset controllers, on informers of their own, until
// ctx is done.
func (f *fixture) controllers(t *testing.T, ctx context.Context) {
	t.Helper()
	fac := informer.NewFactory(f.c, informer.FactoryOptions{})
	dInf, rsInf, podInf := informer.For[*apps.Deployment](fac), informer.For[*apps.ReplicaSet](fac), informer.For[*core.Pod](fac)
	dc, err := deployment.New(f.c, dInf, rsInf, podInf, deployment.Options{Recorder: f.ev})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := replicaset.New(f.c, rsInf, podInf, replicaset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fac.Start(ctx)
	go dc.Run(ctx)
	go rc.Run(ctx)
}

// kubelet simulates kubelets: every pod becomes Running and Ready after up to maxDelay.
func (f *fixture) kubelet(t *testing.T, maxDelay time.Duration) {
	inf := informer.New(informer.FromResource(client.For[*core.Pod](f.c), nil), informer.Options[*core.Pod]{})
	ready := func(p *core.Pod) {
		if !core.IsPodActive(p) || core.IsPodReady(p) {
			return
		}
		go func() {
			if maxDelay > 0 {
				time.Sleep(time.Duration(rand.Int64N(int64(maxDelay))))
			}
			for f.ctx.Err() == nil {
				cur, err := f.pods.Get(f.ctx, p.Name, client.GetOptions{})
				if err != nil || !core.IsPodActive(cur) || cur.UID != p.UID {
					return
				}
				cur.Status.Phase = core.PodRunning
				cur.Status.Conditions = []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue, LastTransitionTime: meta.Now()}}
				if _, err = f.pods.UpdateStatus(f.ctx, cur, client.UpdateOptions{}); !apierrors.IsConflict(err) {
					return
				}
			}
		}()
	}
	inf.AddEventHandler(informer.HandlerFuncs[*core.Pod]{
		AddFunc:    func(p *core.Pod, _ bool) { ready(p) },
		UpdateFunc: func(_, p *core.Pod) { ready(p) },
	})
	go inf.Run(f.ctx)
}

func nginx(name string, n int32) *apps.Deployment {
	return &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default"},
		Spec: apps.DeploymentSpec{
			Replicas: &n,
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx:1.25"}}},
			},
		},
	}
}

func (f *fixture) get(t *testing.T, name string) *apps.Deployment {
	t.Helper()
	d, err := f.deps.Get(f.ctx, name, client.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// change applies fn to the Deployment, retrying on conflicts.
func (f *fixture) change(t *testing.T, name string, fn func(*apps.Deployment)) {
	t.Helper()
	for {
		d := f.get(t, name)
		fn(d)
		_, err := f.deps.Update(f.ctx, d, client.UpdateOptions{})
		if err == nil {
			return
		}
		if !apierrors.IsConflict(err) {
			t.Fatal(err)
		}
	}
}

func (f *fixture) replicaSets(t *testing.T, app string) []*apps.ReplicaSet {
	t.Helper()
	l, err := f.rss.List(f.ctx, client.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

func (f *fixture) activePods(t *testing.T, app string) []*core.Pod {
	t.Helper()
	l, err := f.pods.List(f.ctx, client.ListOptions{LabelSelector: "app=" + app})
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(l.Items, func(p *core.Pod) bool { return !core.IsPodActive(p) })
}

func cond(d *apps.Deployment, typ apps.DeploymentConditionType) *apps.DeploymentCondition {
	for i := range d.Status.Conditions {
		if d.Status.Conditions[i].Type == typ {
			return &d.Status.Conditions[i]
		}
	}
	return nil
}

// rolledOut reports whether the Deployment's status says the rollout of its current generation is
// complete, as kubectl rollout status decides.
func rolledOut(d *apps.Deployment) bool {
	c := cond(d, apps.DeploymentProgressing)
	n := *d.Spec.Replicas
	return d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas == n && d.Status.Replicas == n &&
		d.Status.AvailableReplicas == n && c != nil && c.Reason == deployment.ReasonNewRSAvailable
}

// TestSeedDeployment is the seed's scenario: nginx, 3 replicas, to 3 ready pods.
func TestSeedDeployment(t *testing.T) {
	f := newFixture(t)
	f.controllers(t, f.ctx)
	f.kubelet(t, 0)
	if _, err := f.deps.Create(f.ctx, nginx("nginx", 3), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "rolled out", func() bool { return rolledOut(f.get(t, "nginx")) })
	d := f.get(t, "nginx")
	if a := cond(d, apps.DeploymentAvailable); a == nil || a.Status != core.ConditionTrue || a.Reason != deployment.ReasonMinimumAvailable {
		t.Errorf("Available condition %+v", a)
	}
	if d.Status.ReadyReplicas != 3 || d.Status.UnavailableReplicas != 0 || d.Annotations[deployment.RevisionAnnotation] != "1" {
		t.Errorf("status %+v annotations %v", d.Status, d.Annotations)
	}
	rss := f.replicaSets(t, "nginx")
	if len(rss) != 1 {
		t.Fatalf("%d replica sets", len(rss))
	}
	rs := rss[0]
	hash := rs.Labels[apps.DefaultDeploymentUniqueLabelKey]
	if hash == "" || rs.Name != "nginx-"+hash || rs.Spec.Selector.MatchLabels[apps.DefaultDeploymentUniqueLabelKey] != hash ||
		rs.Spec.Template.Labels[apps.DefaultDeploymentUniqueLabelKey] != hash || rs.Annotations[deployment.RevisionAnnotation] != "1" ||
		rs.Annotations[deployment.DesiredReplicasAnnotation] != "3" || rs.Annotations[deployment.MaxReplicasAnnotation] != "4" {
		t.Errorf("replica set %s labels %v annotations %v", rs.Name, rs.Labels, rs.Annotations)
	}
	if ref := rs.ControllerRef(); ref == nil || ref.UID != d.UID || ref.Kind != "Deployment" {
		t.Errorf("owner %+v", rs.OwnerReferences)
	}
	for _, p := range f.activePods(t, "nginx") {
		if !strings.HasPrefix(p.Name, rs.Name+"-") || p.Labels[apps.DefaultDeploymentUniqueLabelKey] != hash {
			t.Errorf("pod %s labels %v", p.Name, p.Labels)
		}
	}
	if ev := f.ev.Events(); len(ev) == 0 || ev[0] != "Normal ScalingReplicaSet Scaled up replica set "+rs.Name+" to 3" {
		t.Errorf("events %v", ev)
	}

	// Scaling is not a rollout: the same ReplicaSet grows, no new revision.
	f.change(t, "nginx", func(d *apps.Deployment) { n := int32(5); d.Spec.Replicas = &n })
	testenv.Eventually(t, "scaled to 5", func() bool { return rolledOut(f.get(t, "nginx")) })
	if rss := f.replicaSets(t, "nginx"); len(rss) != 1 || *rss[0].Spec.Replicas != 5 || rss[0].Annotations[deployment.RevisionAnnotation] != "1" {
		t.Errorf("after scaling: %d replica sets", len(rss))
	}
}

// TestRollingUpdateInvariants checks, on every pod event during a rolling update, that the
// Deployment never runs more than replicas+maxSurge pods nor has fewer than
// replicas-maxUnavailable available.
func TestRollingUpdateInvariants(t *testing.T) {
	for _, tc := range []struct {
		name             string
		replicas         int32
		surge, unavail   *intstr.IntOrString
		maxPods, minAvai int
	}{
		{"defaults 25% of 10", 10, nil, nil, 13, 8},
		{"surge 3 unavailable 2", 10, ptr(intstr.FromInt(3)), ptr(intstr.FromInt(2)), 13, 8},
		{"surge 0 unavailable 1", 4, ptr(intstr.FromInt(0)), ptr(intstr.FromInt(1)), 4, 3},
		{"surge 100% unavailable 0", 4, ptr(intstr.FromString("100%")), ptr(intstr.FromInt(0)), 8, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.controllers(t, f.ctx)
			f.kubelet(t, 20*time.Millisecond)
			d := nginx("web", tc.replicas)
			d.Spec.Strategy.RollingUpdate = &apps.RollingUpdateDeployment{MaxSurge: tc.surge, MaxUnavailable: tc.unavail}
			if _, err := f.deps.Create(f.ctx, d, client.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			testenv.Eventually(t, "first rollout", func() bool { return rolledOut(f.get(t, "web")) })

			// Watch every pod event from here on, keeping the live pods.
			pods := client.For[*core.Pod](f.c).Namespace("default")
			l, _ := pods.List(f.ctx, client.ListOptions{LabelSelector: "app=web"})
			live := map[string]*core.Pod{}
			for _, p := range l.Items {
				live[p.Name] = p
			}
			w, err := pods.Watch(f.ctx, client.ListOptions{LabelSelector: "app=web", ResourceVersion: l.ResourceVersion})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Stop()
			var violations []string
			var mostPods, leastAvailable atomic.Int64
			mostPods.Store(int64(len(live)))
			leastAvailable.Store(int64(tc.replicas))
			done := make(chan struct{})
			go func() {
				defer close(done)
				for ev := range w.Events() {
					if ev.Type == client.Deleted {
						delete(live, ev.Object.Name)
					} else if ev.Object != nil {
						live[ev.Object.Name] = ev.Object
					}
					active, available := 0, 0
					for _, p := range live {
						if core.IsPodActive(p) {
							active++
							if core.IsPodReady(p) {
								available++
							}
						}
					}
					if int64(active) > mostPods.Load() {
						mostPods.Store(int64(active))
					}
					if int64(available) < leastAvailable.Load() {
						leastAvailable.Store(int64(available))
					}
					if active > tc.maxPods || available < tc.minAvai {
						violations = append(violations, fmt.Sprintf("%d pods, %d available", active, available))
					}
				}
			}()
			f.change(t, "web", func(d *apps.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.26" })
			testenv.Eventually(t, "second rollout", func() bool {
				d := f.get(t, "web")
				return rolledOut(d) && d.Annotations[deployment.RevisionAnnotation] == "2"
			})
			testenv.Eventually(t, "old pods gone", func() bool {
				ps := f.activePods(t, "web")
				for _, p := range ps {
					if p.Spec.Containers[0].Image != "nginx:1.26" {
						return false
					}
				}
				return len(ps) == int(tc.replicas)
			})
			w.Stop()
			<-done
			if len(violations) > 0 {
				t.Errorf("bounds (at most %d pods, at least %d available) broken: %v", tc.maxPods, tc.minAvai, violations)
			}
			t.Logf("at most %d pods, at least %d available", mostPods.Load(), leastAvailable.Load())
			rss := f.replicaSets(t, "web")
			if len(rss) != 2 {
				t.Fatalf("%d replica sets", len(rss))
			}
			for _, rs := range rss {
				want := int32(0)
				if rs.Spec.Template.Spec.Containers[0].Image == "nginx:1.26" {
					want = tc.replicas
				}
				if *rs.Spec.Replicas != want {
					t.Errorf("%s has %d replicas, want %d", rs.Name, *rs.Spec.Replicas, want)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestRollbackReusesTheOldReplicaSet does what kubectl rollout undo does: put the old template
// back. The old ReplicaSet comes back under a new revision.
func TestRollbackReusesTheOldReplicaSet(t *testing.T) {
	f := newFixture(t)
	f.controllers(t, f.ctx)
	f.kubelet(t, 0)
	if _, err := f.deps.Create(f.ctx, nginx("app", 2), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "rev 1", func() bool { return rolledOut(f.get(t, "app")) })
	first := f.replicaSets(t, "app")[0]
	old := f.get(t, "app").Spec.Template
	f.change(t, "app", func(d *apps.Deployment) {
		d.Spec.Template.Spec.Containers[0].Image = "nginx:bad"
		d.Annotations = map[string]string{"kubernetes.io/change-cause": "try bad"}
	})
	testenv.Eventually(t, "rev 2", func() bool {
		d := f.get(t, "app")
		return rolledOut(d) && d.Annotations[deployment.RevisionAnnotation] == "2"
	})
	f.change(t, "app", func(d *apps.Deployment) { d.Spec.Template = old })
	testenv.Eventually(t, "rev 3", func() bool {
		d := f.get(t, "app")
		return rolledOut(d) && d.Annotations[deployment.RevisionAnnotation] == "3"
	})
	rss := f.replicaSets(t, "app")
	if len(rss) != 2 {
		t.Fatalf("%d replica sets after the rollback", len(rss))
	}
	for _, rs := range rss {
		if rs.Name == first.Name {
			if rs.Annotations[deployment.RevisionAnnotation] != "3" || rs.Annotations[deployment.RevisionHistoryAnnotation] != "1" || *rs.Spec.Replicas != 2 {
				t.Errorf("reused replica set: %v replicas %d", rs.Annotations, *rs.Spec.Replicas)
			}
		} else if rs.Annotations["kubernetes.io/change-cause"] != "try bad" || *rs.Spec.Replicas != 0 {
			t.Errorf("rolled-back replica set: %v replicas %d", rs.Annotations, *rs.Spec.Replicas)
		}
	}
}

func TestRecreate(t *testing.T) {
	f := newFixture(t)
	f.controllers(t, f.ctx)
	f.kubelet(t, 10*time.Millisecond)
	d := nginx("db", 3)
	d.Spec.Strategy = apps.DeploymentStrategy{Type: apps.RecreateDeploymentStrategyType}
	if _, err := f.deps.Create(f.ctx, d, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "rev 1", func() bool { return rolledOut(f.get(t, "db")) })
	// Old and new pods must never run together.
	pods := client.For[*core.Pod](f.c).Namespace("default")
	w, err := pods.Watch(f.ctx, client.ListOptions{LabelSelector: "app=db"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var mixed atomic.Bool
	go func() {
		live := map[string]string{}
		for ev := range w.Events() {
			if ev.Type == client.Deleted || (ev.Object != nil && !core.IsPodActive(ev.Object)) {
				delete(live, ev.Object.Name)
			} else if ev.Object != nil {
				live[ev.Object.Name] = ev.Object.Spec.Containers[0].Image
			}
			images := map[string]bool{}
			for _, img := range live {
				images[img] = true
			}
			if len(images) > 1 {
				mixed.Store(true)
			}
		}
	}()
	f.change(t, "db", func(d *apps.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.26" })
	testenv.Eventually(t, "rev 2", func() bool {
		d := f.get(t, "db")
		return rolledOut(d) && d.Annotations[deployment.RevisionAnnotation] == "2"
	})
	if mixed.Load() {
		t.Error("old and new pods ran at the same time")
	}
}

func TestPauseAndResume(t *testing.T) {
	f := newFixture(t)
	f.controllers(t, f.ctx)
	f.kubelet(t, 0)
	if _, err := f.deps.Create(f.ctx, nginx("p", 2), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "rev 1", func() bool { return rolledOut(f.get(t, "p")) })
	f.change(t, "p", func(d *apps.Deployment) { d.Spec.Paused = true })
	testenv.Eventually(t, "paused condition", func() bool {
		c := cond(f.get(t, "p"), apps.DeploymentProgressing)
		return c != nil && c.Reason == deployment.ReasonPaused && c.Status == core.ConditionUnknown
	})
	f.change(t, "p", func(d *apps.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.26" })
	time.Sleep(300 * time.Millisecond)
	if n := len(f.replicaSets(t, "p")); n != 1 {
		t.Fatalf("a paused deployment rolled out: %d replica sets", n)
	}
	// Scaling still works while paused.
	f.change(t, "p", func(d *apps.Deployment) { n := int32(3); d.Spec.Replicas = &n })
	testenv.Eventually(t, "scaled while paused", func() bool { return len(f.activePods(t, "p")) == 3 })
	f.change(t, "p", func(d *apps.Deployment) { d.Spec.Paused = false })
	testenv.Eventually(t, "resumed and rolled out", func() bool {
		d := f.get(t, "p")
		return rolledOut(d) && d.Annotations[deployment.RevisionAnnotation] == "2"
	})
}

func TestProgressDeadlineExceeded(t *testing.T) {
	f := newFixture(t)
	f.controllers(t, f.ctx) // no kubelet: pods never become ready
	d := nginx("stuck", 2)
	d.Spec.ProgressDeadlineSeconds = ptr(int32(1))
	if _, err := f.deps.Create(f.ctx, d, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "deadline exceeded", func() bool {
		c := cond(f.get(t, "stuck"), apps.DeploymentProgressing)
		return c != nil && c.Status == core.ConditionFalse && c.Reason == deployment.ReasonTimedOut
	})
	d = f.get(t, "stuck")
	if a := cond(d, apps.DeploymentAvailable); a == nil || a.Status != core.ConditionFalse {
		t.Errorf("Available %+v", a)
	}
	if d.Status.UnavailableReplicas != 2 {
		t.Errorf("unavailable %d", d.Status.UnavailableReplicas)
	}
}

func TestRevisionHistoryLimit(t *testing.T) {
	f := newFixture(t)
	f.controllers(t, f.ctx)
	f.kubelet(t, 0)
	d := nginx("h", 1)
	d.Spec.RevisionHistoryLimit = ptr(int32(1))
	if _, err := f.deps.Create(f.ctx, d, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "rev 1", func() bool { return rolledOut(f.get(t, "h")) })
	for i := 2; i <= 4; i++ {
		f.change(t, "h", func(d *apps.Deployment) { d.Spec.Template.Spec.Containers[0].Image = fmt.Sprint("nginx:", i) })
		testenv.Eventually(t, fmt.Sprint("rev ", i), func() bool {
			d := f.get(t, "h")
			return rolledOut(d) && d.Annotations[deployment.RevisionAnnotation] == fmt.Sprint(i)
		})
	}
	testenv.Eventually(t, "history trimmed to 1", func() bool { return len(f.replicaSets(t, "h")) == 2 })
	revs := map[string]bool{}
	for _, rs := range f.replicaSets(t, "h") {
		revs[rs.Annotations[deployment.RevisionAnnotation]] = true
	}
	if !revs["3"] || !revs["4"] {
		t.Errorf("revisions kept: %v, want 3 and 4", slices.Collect(maps.Keys(revs)))
	}
}

// TestNewControllerFinishesRollout stops the controllers in the middle of a rollout; a second
// set, with informers of their own, finishes it.
func TestNewControllerFinishesRollout(t *testing.T) {
	f := newFixture(t)
	first, stop := context.WithCancel(f.ctx)
	f.controllers(t, first)
	f.kubelet(t, 30*time.Millisecond)
	if _, err := f.deps.Create(f.ctx, nginx("k", 10), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "rev 1", func() bool { return rolledOut(f.get(t, "k")) })
	f.change(t, "k", func(d *apps.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:1.26" })
	testenv.Eventually(t, "mid-rollout", func() bool {
		d := f.get(t, "k")
		return d.Status.UpdatedReplicas > 0 && d.Status.UpdatedReplicas < 10
	})
	stop()
	time.Sleep(100 * time.Millisecond)
	mid := f.get(t, "k").Status.UpdatedReplicas
	f.controllers(t, f.ctx)
	testenv.Eventually(t, "finished by the new controllers", func() bool {
		d := f.get(t, "k")
		return rolledOut(d) && d.Annotations[deployment.RevisionAnnotation] == "2"
	})
	t.Logf("stopped at %d of 10 updated", mid)
	if n := len(f.replicaSets(t, "k")); n != 2 {
		t.Errorf("%d replica sets", n)
	}
}
