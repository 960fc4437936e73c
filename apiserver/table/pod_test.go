package table

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
)

var podGK = GroupKind{"", "Pod"}

// TestPodStatus covers the READY, STATUS and RESTARTS cells of every state kubectl shows a pod in.
func TestPodStatus(t *testing.T) {
	tests := []struct {
		name string
		pod  *core.Pod
		// want READY, STATUS, RESTARTS
		ready, status, restarts string
	}{
		{
			name:  "pending, not scheduled yet",
			pod:   MakePod("p").Phase(core.PodPending).Obj(),
			ready: "0/1", status: "Pending", restarts: "0",
		},
		{
			name: "pending, scheduling gated",
			pod: MakePod("p").Phase(core.PodPending).
				Condition(core.PodScheduled, core.ConditionFalse, core.PodReasonSchedulingGated).Obj(),
			ready: "0/1", status: "SchedulingGated", restarts: "0",
		},
		{
			name: "pending, unschedulable",
			pod: MakePod("p").Phase(core.PodPending).
				Condition(core.PodScheduled, core.ConditionFalse, core.PodReasonUnschedulable).Obj(),
			ready: "0/1", status: "Pending", restarts: "0",
		},
		{
			name:  "container creating",
			pod:   MakePod("p").Phase(core.PodPending).Node("node-1").Status(waiting("app", "ContainerCreating")).Obj(),
			ready: "0/1", status: "ContainerCreating", restarts: "0",
		},
		{
			name:  "image pull back-off",
			pod:   MakePod("p").Phase(core.PodPending).Status(waiting("app", "ImagePullBackOff")).Obj(),
			ready: "0/1", status: "ImagePullBackOff", restarts: "0",
		},
		{
			name:  "err image pull",
			pod:   MakePod("p").Phase(core.PodPending).Status(waiting("app", "ErrImagePull")).Obj(),
			ready: "0/1", status: "ErrImagePull", restarts: "0",
		},
		{
			name:  "running",
			pod:   MakePod("p").Running().Obj(),
			ready: "1/1", status: "Running", restarts: "0",
		},
		{
			name:  "running, two containers, one not ready",
			pod:   MakePod("p").Containers("a", "b").Running().Status(running("a"), runningNotReady("b")).Obj(),
			ready: "1/2", status: "Running", restarts: "0",
		},
		{
			name: "running after restarts: the last restart's age",
			pod: MakePod("p").Running().
				Status(restarted(running("app"), 3, 5*time.Minute)).Obj(),
			ready: "1/1", status: "Running", restarts: "3 (5m ago)",
		},
		{
			name: "restarts of several containers add up; the latest restart counts",
			pod: MakePod("p").Containers("a", "b").Running().
				Status(restarted(running("a"), 2, 3*time.Hour), restarted(running("b"), 1, 90*time.Second)).Obj(),
			ready: "2/2", status: "Running", restarts: "3 (90s ago)",
		},
		{
			name: "restarts without a last termination state show no age",
			pod: func() *core.Pod {
				cs := running("app")
				cs.RestartCount = 2
				return MakePod("p").Running().Status(cs).Obj()
			}(),
			ready: "1/1", status: "Running", restarts: "2",
		},
		{
			name: "crash loop back-off",
			pod: MakePod("p").Phase(core.PodRunning).Condition(core.PodReady, core.ConditionFalse, "").
				Status(restarted(waiting("app", "CrashLoopBackOff"), 5, 30*time.Second)).Obj(),
			ready: "0/1", status: "CrashLoopBackOff", restarts: "5 (30s ago)",
		},
		{
			name: "completed (succeeded)",
			pod: MakePod("p").Phase(core.PodSucceeded).
				Status(terminated("app", "Completed", 0, 0)).Obj(),
			ready: "0/1", status: "Completed", restarts: "0",
		},
		{
			name: "error (failed)",
			pod: MakePod("p").Phase(core.PodFailed).
				Status(terminated("app", "Error", 1, 0)).Obj(),
			ready: "0/1", status: "Error", restarts: "0",
		},
		{
			name:  "OOM killed",
			pod:   MakePod("p").Phase(core.PodRunning).Status(restarted(terminated("app", "OOMKilled", 137, 0), 1, time.Minute)).Obj(),
			ready: "0/1", status: "OOMKilled", restarts: "1 (60s ago)",
		},
		{
			name:  "terminated without a reason: the signal",
			pod:   MakePod("p").Phase(core.PodFailed).Status(terminated("app", "", 137, 9)).Obj(),
			ready: "0/1", status: "Signal:9", restarts: "0",
		},
		{
			name:  "terminated without a reason or signal: the exit code",
			pod:   MakePod("p").Phase(core.PodFailed).Status(terminated("app", "", 2, 0)).Obj(),
			ready: "0/1", status: "ExitCode:2", restarts: "0",
		},
		{
			name:  "evicted: the pod's reason",
			pod:   MakePod("p").Phase(core.PodFailed).Reason("Evicted").Obj(),
			ready: "0/1", status: "Evicted", restarts: "0",
		},
		{
			name: "one container completed, the other running, pod ready",
			pod: MakePod("p").Containers("a", "b").Running().
				Status(terminated("a", "Completed", 0, 0), running("b")).Obj(),
			ready: "1/2", status: "Running", restarts: "0",
		},
		{
			name: "one container completed, the other running, pod not ready",
			pod: MakePod("p").Containers("a", "b").Phase(core.PodRunning).
				Condition(core.PodReady, core.ConditionFalse, "").
				Status(terminated("a", "Completed", 0, 0), running("b")).Obj(),
			ready: "1/2", status: "NotReady", restarts: "0",
		},
		{
			name: "one container failed, a later one completed: the failure shows",
			pod: MakePod("p").Containers("a", "z").Phase(core.PodFailed).
				Status(terminated("a", "Completed", 0, 0), terminated("z", "Error", 1, 0)).Obj(),
			ready: "0/2", status: "Error", restarts: "0",
		},
		{
			name: "the first container's state wins",
			pod: MakePod("p").Containers("a", "z").Phase(core.PodPending).
				Status(waiting("a", "ErrImagePull"), waiting("z", "ContainerCreating")).Obj(),
			ready: "0/2", status: "ErrImagePull", restarts: "0",
		},
		{
			name: "init: first of two running",
			pod: MakePod("p").InitContainers("migrate", "seed").Phase(core.PodPending).
				InitStatus(runningNotReady("migrate"), waiting("seed", "PodInitializing")).
				Status(waiting("app", "PodInitializing")).Obj(),
			ready: "0/1", status: "Init:0/2", restarts: "0",
		},
		{
			name: "init: first done, second running",
			pod: MakePod("p").InitContainers("migrate", "seed").Phase(core.PodPending).
				InitStatus(terminated("migrate", "Completed", 0, 0), runningNotReady("seed")).
				Status(waiting("app", "PodInitializing")).Obj(),
			ready: "0/1", status: "Init:1/2", restarts: "0",
		},
		{
			name: "init: waiting in PodInitializing is Init:i/n",
			pod: MakePod("p").InitContainers("migrate").Phase(core.PodPending).
				InitStatus(waiting("migrate", "PodInitializing")).Obj(),
			ready: "0/1", status: "Init:0/1", restarts: "0",
		},
		{
			name: "init: failed, with restarts",
			pod: MakePod("p").InitContainers("migrate", "seed").Phase(core.PodPending).
				InitStatus(restarted(terminated("migrate", "Error", 1, 0), 2, 20*time.Second), waiting("seed", "PodInitializing")).
				Status(waiting("app", "PodInitializing")).Obj(),
			ready: "0/1", status: "Init:Error", restarts: "2 (20s ago)",
		},
		{
			name: "init: crash loop back-off",
			pod: MakePod("p").InitContainers("migrate").Phase(core.PodPending).
				InitStatus(restarted(waiting("migrate", "CrashLoopBackOff"), 4, 4*time.Minute)).Obj(),
			ready: "0/1", status: "Init:CrashLoopBackOff", restarts: "4 (4m ago)",
		},
		{
			name: "init: failed without a reason",
			pod: MakePod("p").InitContainers("migrate").Phase(core.PodPending).
				InitStatus(terminated("migrate", "", 3, 0)).Obj(),
			ready: "0/1", status: "Init:ExitCode:3", restarts: "0",
		},
		{
			name: "init: killed without a reason",
			pod: MakePod("p").InitContainers("migrate").Phase(core.PodPending).
				InitStatus(terminated("migrate", "", 137, 9)).Obj(),
			ready: "0/1", status: "Init:Signal:9", restarts: "0",
		},
		{
			name: "init done: main containers' state, init restarts no longer count",
			pod: MakePod("p").InitContainers("migrate").Running().
				InitStatus(restarted(terminated("migrate", "Completed", 0, 0), 3, time.Hour)).Obj(),
			ready: "1/1", status: "Running", restarts: "0",
		},
		{
			name: "sidecar started and ready: counts in READY, main containers' state",
			pod: MakePod("p").InitContainers("proxy+").Running().
				InitStatus(restarted(running("proxy"), 1, 2*time.Minute)).Obj(),
			ready: "2/2", status: "Running", restarts: "1 (2m ago)",
		},
		{
			name: "sidecar not started yet: still initializing",
			pod: MakePod("p").InitContainers("proxy+", "migrate").Phase(core.PodPending).
				InitStatus(waiting("proxy", "ContainerCreating"), waiting("migrate", "PodInitializing")).Obj(),
			ready: "0/2", status: "Init:ContainerCreating", restarts: "0",
		},
		{
			name: "sidecar started, next init container running",
			pod: MakePod("p").InitContainers("proxy+", "migrate").Phase(core.PodPending).
				InitStatus(running("proxy"), runningNotReady("migrate")).Obj(),
			ready: "1/2", status: "Init:1/2", restarts: "0",
		},
		{
			name:  "terminating",
			pod:   MakePod("p").Running().Deleting().Obj(),
			ready: "1/1", status: "Terminating", restarts: "0",
		},
		{
			name: "terminating after completion stays Completed",
			pod: MakePod("p").Phase(core.PodSucceeded).Status(terminated("app", "Completed", 0, 0)).
				Deleting().Obj(),
			ready: "0/1", status: "Completed", restarts: "0",
		},
		{
			name:  "terminating on a lost node is Unknown",
			pod:   MakePod("p").Running().Reason("NodeLost").Deleting().Obj(),
			ready: "1/1", status: "Unknown", restarts: "0",
		},
		{
			name:  "lost node, not being deleted: the pod's reason",
			pod:   MakePod("p").Running().Reason("NodeLost").Obj(),
			ready: "1/1", status: "NodeLost", restarts: "0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cells := row(t, podGK, tt.pod).Cells
			got := []any{cells[1], cells[2], cells[3]}
			if diff := cmp.Diff([]any{tt.ready, tt.status, tt.restarts}, got); diff != "" {
				t.Errorf("READY, STATUS, RESTARTS (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPodRow(t *testing.T) {
	tests := []struct {
		name       string
		pod        *core.Pod
		want       []any
		conditions []TableRowCondition
	}{
		{
			name: "running, all wide columns",
			pod: func() *core.Pod {
				p := MakePod("web-7d4b9c-x2k4j").Created(3*time.Hour + 25*time.Minute).Running().Obj()
				p.Status.NominatedNodeName = "node-2"
				p.Spec.ReadinessGates = []core.PodReadinessGate{{ConditionType: "example.com/lb"}, {ConditionType: "example.com/dns"}}
				p.Status.Conditions = append(p.Status.Conditions,
					core.PodCondition{Type: "example.com/lb", Status: core.ConditionTrue},
					core.PodCondition{Type: "example.com/dns", Status: core.ConditionFalse})
				return p
			}(),
			want: []any{"web-7d4b9c-x2k4j", "1/1", "Running", "0", "3h25m", "10.244.1.5", "node-1", "node-2", "1/2"},
		},
		{
			name: "pending: <none> for unset wide columns",
			pod:  MakePod("p").Created(42 * time.Second).Phase(core.PodPending).Obj(),
			want: []any{"p", "0/1", "Pending", "0", "42s", "<none>", "<none>", "<none>", "<none>"},
		},
		{
			name: "the IP is the first of podIPs",
			pod: func() *core.Pod {
				p := MakePod("p").Running().Obj()
				p.Status.PodIPs = []core.PodIP{{IP: "fd00::5"}, {IP: "10.0.0.5"}}
				return p
			}(),
			want: []any{"p", "1/1", "Running", "0", "5d", "fd00::5", "node-1", "<none>", "<none>"},
		},
		{
			name: "no creation time",
			pod: func() *core.Pod {
				p := MakePod("p").Obj()
				p.CreationTimestamp.Time = time.Time{}
				return p
			}(),
			want: []any{"p", "0/1", "", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"},
		},
		{
			name:       "succeeded: a Completed row condition",
			pod:        MakePod("job-1").Phase(core.PodSucceeded).Status(terminated("app", "Completed", 0, 0)).Obj(),
			want:       []any{"job-1", "0/1", "Completed", "0", "5d", "<none>", "<none>", "<none>", "<none>"},
			conditions: []TableRowCondition{{Type: "Completed", Status: "True", Reason: "Succeeded", Message: "The pod has completed successfully."}},
		},
		{
			name:       "failed: a Completed row condition",
			pod:        MakePod("job-2").Phase(core.PodFailed).Status(terminated("app", "Error", 1, 0)).Obj(),
			want:       []any{"job-2", "0/1", "Error", "0", "5d", "<none>", "<none>", "<none>", "<none>"},
			conditions: []TableRowCondition{{Type: "Completed", Status: "True", Reason: "Failed", Message: "The pod failed."}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := row(t, podGK, tt.pod)
			checkCells(t, tt.want, r.Cells)
			if diff := cmp.Diff(tt.conditions, r.Conditions); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}
