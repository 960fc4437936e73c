package table

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// now is the fixed "current time" of every test: ages are computed against it.
var now = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// ago returns the wire time d before now.
func ago(d time.Duration) meta.Time { return meta.NewTime(now.Add(-d)) }

// agoPtr is ago as a pointer, for deletion timestamps.
func agoPtr(d time.Duration) *meta.Time { t := ago(d); return &t }

func ptr[T any](v T) *T { return &v }

const day = 24 * time.Hour

// Group-version-kinds of the kinds the tests print.
var (
	podGVK        = api.GroupVersionKind{Version: "v1", Kind: "Pod"}
	deploymentGVK = api.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
)

// podBuilder builds pods, scheduler-wrapper style: MakePod("web").Running().Obj().
type podBuilder struct{ p *core.Pod }

// MakePod returns a builder of a pod in "default", created 5 days before now, with one container
// "app" and no status.
func MakePod(name string) *podBuilder {
	return &podBuilder{&core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default", UID: meta.UID("uid-" + name),
			ResourceVersion: "100", CreationTimestamp: ago(5 * day)},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "app", Image: "nginx:1.25"}}},
	}}
}

func (b *podBuilder) Obj() *core.Pod { return b.p }

func (b *podBuilder) Namespace(ns string) *podBuilder { b.p.Namespace = ns; return b }

func (b *podBuilder) Created(d time.Duration) *podBuilder { b.p.CreationTimestamp = ago(d); return b }

func (b *podBuilder) Labels(kv ...string) *podBuilder {
	b.p.Labels = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		b.p.Labels[kv[i]] = kv[i+1]
	}
	return b
}

func (b *podBuilder) Phase(p core.PodPhase) *podBuilder { b.p.Status.Phase = p; return b }

func (b *podBuilder) Reason(r string) *podBuilder { b.p.Status.Reason = r; return b }

// Containers replaces the spec's containers with ones of the given names.
func (b *podBuilder) Containers(names ...string) *podBuilder {
	b.p.Spec.Containers = nil
	for _, n := range names {
		b.p.Spec.Containers = append(b.p.Spec.Containers, core.Container{Name: n, Image: "img/" + n})
	}
	return b
}

// InitContainers sets the spec's init containers; a name ending in "+" is a sidecar (restartPolicy
// Always), without the "+".
func (b *podBuilder) InitContainers(names ...string) *podBuilder {
	for _, n := range names {
		c := core.Container{Name: n, Image: "img/" + n}
		if n[len(n)-1] == '+' {
			c.Name = n[:len(n)-1]
			c.RestartPolicy = ptr(core.ContainerRestartPolicyAlways)
		}
		b.p.Spec.InitContainers = append(b.p.Spec.InitContainers, c)
	}
	return b
}

func (b *podBuilder) Status(cs ...core.ContainerStatus) *podBuilder {
	b.p.Status.ContainerStatuses = cs
	return b
}

func (b *podBuilder) InitStatus(cs ...core.ContainerStatus) *podBuilder {
	b.p.Status.InitContainerStatuses = cs
	return b
}

func (b *podBuilder) Condition(t core.PodConditionType, s core.ConditionStatus, reason string) *podBuilder {
	b.p.Status.Conditions = append(b.p.Status.Conditions, core.PodCondition{Type: t, Status: s, Reason: reason})
	return b
}

func (b *podBuilder) Deleting() *podBuilder {
	b.p.DeletionTimestamp = agoPtr(10 * time.Second)
	return b
}

func (b *podBuilder) Node(n string) *podBuilder { b.p.Spec.NodeName = n; return b }

func (b *podBuilder) IP(ip string) *podBuilder {
	b.p.Status.PodIP = ip
	b.p.Status.PodIPs = []core.PodIP{{IP: ip}}
	return b
}

// Running makes the pod a healthy running pod on node-1: phase Running, Ready, every container
// running and ready.
func (b *podBuilder) Running() *podBuilder {
	b.Phase(core.PodRunning).Node("node-1").IP("10.244.1.5")
	b.Condition(core.PodInitialized, core.ConditionTrue, "")
	b.Condition(core.PodReady, core.ConditionTrue, "")
	var cs []core.ContainerStatus
	for _, c := range b.p.Spec.Containers {
		cs = append(cs, running(c.Name))
	}
	return b.Status(cs...)
}

// Container statuses.

func running(name string) core.ContainerStatus {
	return core.ContainerStatus{Name: name, Ready: true, Started: ptr(true),
		State: core.ContainerState{Running: &core.ContainerStateRunning{StartedAt: ago(time.Hour)}}}
}

func runningNotReady(name string) core.ContainerStatus {
	cs := running(name)
	cs.Ready = false
	return cs
}

func waiting(name, reason string) core.ContainerStatus {
	return core.ContainerStatus{Name: name,
		State: core.ContainerState{Waiting: &core.ContainerStateWaiting{Reason: reason}}}
}

func terminated(name, reason string, exitCode, signal int32) core.ContainerStatus {
	return core.ContainerStatus{Name: name, State: core.ContainerState{Terminated: &core.ContainerStateTerminated{
		Reason: reason, ExitCode: exitCode, Signal: signal, FinishedAt: ago(time.Minute)}}}
}

// restarted gives cs restarts, the last of which ended d before now.
func restarted(cs core.ContainerStatus, restarts int32, d time.Duration) core.ContainerStatus {
	cs.RestartCount = restarts
	cs.LastTerminationState = core.ContainerState{Terminated: &core.ContainerStateTerminated{
		Reason: "Error", ExitCode: 1, FinishedAt: ago(d)}}
	return cs
}

// row prints obj with the builtin printer of its kind and returns its cells.
func row(t *testing.T, gk GroupKind, obj meta.Object) TableRow {
	t.Helper()
	r, err := Builtin().PrinterFor(gk).Row(obj, now)
	if err != nil {
		t.Fatalf("Row: %v", err)
	}
	return r
}

// checkCells compares cells, reporting (-want +got).
func checkCells(t *testing.T, want, got []any) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}
