package table

import (
	"strconv"
	"time"

	"github.com/skiff-io/skiff/api/core"
)

var podColumns = []TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: descName},
	{Name: "Ready", Type: "string", Description: "The aggregate readiness state of this pod for accepting traffic."},
	{Name: "Status", Type: "string", Description: "The aggregate status of the containers in this pod."},
	{Name: "Restarts", Type: "string", Description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."},
	{Name: "Age", Type: "string", Description: descCreationTimestamp},
	{Name: "IP", Type: "string", Priority: 1, Description: descPodIP},
	{Name: "Node", Type: "string", Priority: 1, Description: descNodeName},
	{Name: "Nominated Node", Type: "string", Priority: 1, Description: descNominatedNodeName},
	{Name: "Readiness Gates", Type: "string", Priority: 1, Description: descReadinessGates},
}

// The row conditions of pods that have run to completion. Shared by every such row: read-only.
var (
	podSucceededConditions = []TableRowCondition{{Type: RowCompleted, Status: "True", Reason: string(core.PodSucceeded), Message: "The pod has completed successfully."}}
	podFailedConditions    = []TableRowCondition{{Type: RowCompleted, Status: "True", Reason: string(core.PodFailed), Message: "The pod failed."}}
)

// nodeLostReason is the pod status reason the node lifecycle controller sets on the pods of an
// unreachable node; such a pod, once being deleted, shows as Unknown rather than Terminating.
const nodeLostReason = "NodeLost"

// podRow is kubectl get pods' row: NAME READY STATUS RESTARTS AGE, then (wide) IP NODE
// NOMINATED NODE READINESS GATES. STATUS is the most telling reason among the pod's phase, its
// status reason, its init containers' and its containers' states, in the precedence
// kube-apiserver gives them (its printPod of Kubernetes 1.35).
func podRow(pod *core.Pod, now time.Time) (TableRow, error) {
	var row TableRow
	switch pod.Status.Phase {
	case core.PodSucceeded:
		row.Conditions = podSucceededConditions
	case core.PodFailed:
		row.Conditions = podFailedConditions
	}

	s := summarizePod(pod)

	restarts := strconv.Itoa(s.restarts)
	if s.restarts != 0 && !s.lastRestart.IsZero() {
		restarts += " (" + age(s.lastRestart, now) + " ago)"
	}

	ip := "<none>"
	if len(pod.Status.PodIPs) > 0 && pod.Status.PodIPs[0].IP != "" {
		ip = pod.Status.PodIPs[0].IP
	}
	row.Cells = []any{
		pod.Name,
		strconv.Itoa(s.ready) + "/" + strconv.Itoa(s.total),
		s.status,
		restarts,
		age(pod.CreationTimestamp.Time, now),
		ip,
		orNone(pod.Spec.NodeName),
		orNone(pod.Status.NominatedNodeName),
		readinessGates(pod),
	}
	return row, nil
}

// podSummary is what the pod row shows of a pod's containers.
type podSummary struct {
	status       string
	ready, total int
	restarts     int
	lastRestart  time.Time // when the most recently restarted counted container last terminated
}

func summarizePod(pod *core.Pod) podSummary {
	s := podSummary{status: string(pod.Status.Phase), total: len(pod.Spec.Containers)}
	if pod.Status.Reason != "" {
		s.status = pod.Status.Reason
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == core.PodScheduled && c.Reason == core.PodReasonSchedulingGated {
			s.status = core.PodReasonSchedulingGated
		}
	}

	// Sidecars (init containers with restartPolicy Always) run alongside the main containers: they
	// count toward READY, and their restarts count even once the pod is initialized.
	sidecar := make(map[string]bool, len(pod.Spec.InitContainers))
	for i := range pod.Spec.InitContainers {
		if c := &pod.Spec.InitContainers[i]; isSidecar(c) {
			sidecar[c.Name] = true
			s.total++
		}
	}

	var sidecarRestarts int
	var lastSidecarRestart time.Time
	initializing := false
	for i := range pod.Status.InitContainerStatuses {
		cs := &pod.Status.InitContainerStatuses[i]
		s.restarts += int(cs.RestartCount)
		s.lastRestart = later(s.lastRestart, lastTermination(cs))
		if sidecar[cs.Name] {
			sidecarRestarts += int(cs.RestartCount)
			lastSidecarRestart = later(lastSidecarRestart, lastTermination(cs))
		}
		state := &cs.State
		switch {
		case state.Terminated != nil && state.Terminated.ExitCode == 0:
			continue // done
		case sidecar[cs.Name] && cs.Started != nil && *cs.Started:
			if cs.Ready {
				s.ready++
			}
			continue // a started sidecar lets the next init container run
		case state.Terminated != nil:
			s.status = "Init:" + terminatedReason(state.Terminated)
		case state.Waiting != nil && state.Waiting.Reason != "" && state.Waiting.Reason != "PodInitializing":
			s.status = "Init:" + state.Waiting.Reason
		default:
			s.status = "Init:" + strconv.Itoa(i) + "/" + strconv.Itoa(len(pod.Spec.InitContainers))
		}
		initializing = true
		break
	}

	if !initializing || podConditionTrue(pod, core.PodInitialized) {
		s.restarts = sidecarRestarts
		s.lastRestart = lastSidecarRestart
		running := false
		failed := "" // the reason of a container that ended in failure
		// From the last container to the first, so that the first container's state wins.
		for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
			cs := &pod.Status.ContainerStatuses[i]
			s.restarts += int(cs.RestartCount)
			s.lastRestart = later(s.lastRestart, lastTermination(cs))
			state := &cs.State
			switch {
			case state.Waiting != nil && state.Waiting.Reason != "":
				s.status = state.Waiting.Reason
			case state.Terminated != nil:
				s.status = terminatedReason(state.Terminated)
				if state.Terminated.ExitCode != 0 {
					failed = s.status
				}
			case cs.Ready && state.Running != nil:
				running = true
				s.ready++
			}
		}
		// A container that completed does not make a pod whose other containers still run Completed.
		if s.status == "Completed" {
			switch {
			case running && podReady(pod):
				s.status = "Running"
			case failed != "":
				s.status = failed
			case running:
				s.status = "NotReady"
			}
		}
	}

	if pod.DeletionTimestamp != nil {
		switch {
		case pod.Status.Reason == nodeLostReason:
			s.status = "Unknown"
		case pod.Status.Phase != core.PodSucceeded && pod.Status.Phase != core.PodFailed:
			s.status = "Terminating"
		}
	}
	return s
}

func isSidecar(c *core.Container) bool {
	return c.RestartPolicy != nil && *c.RestartPolicy == core.ContainerRestartPolicyAlways
}

// terminatedReason is a terminated container's reason, or "Signal:<n>" or "ExitCode:<n>" when the
// runtime gave none.
func terminatedReason(t *core.ContainerStateTerminated) string {
	switch {
	case t.Reason != "":
		return t.Reason
	case t.Signal != 0:
		return "Signal:" + strconv.Itoa(int(t.Signal))
	}
	return "ExitCode:" + strconv.Itoa(int(t.ExitCode))
}

// lastTermination is when the container's previous run ended, or zero.
func lastTermination(cs *core.ContainerStatus) time.Time {
	if t := cs.LastTerminationState.Terminated; t != nil {
		return t.FinishedAt.Time
	}
	return time.Time{}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// podConditionTrue reports whether the pod's first condition of type t is True.
func podConditionTrue(pod *core.Pod, t core.PodConditionType) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == t {
			return c.Status == core.ConditionTrue
		}
	}
	return false
}

func podReady(pod *core.Pod) bool { return podConditionTrue(pod, core.PodReady) }

// readinessGates is "<true>/<gates>", counting the gates whose condition is True, or "<none>".
func readinessGates(pod *core.Pod) string {
	if len(pod.Spec.ReadinessGates) == 0 {
		return "<none>"
	}
	passed := 0
	for _, g := range pod.Spec.ReadinessGates {
		if podConditionTrue(pod, g.ConditionType) {
			passed++
		}
	}
	return strconv.Itoa(passed) + "/" + strconv.Itoa(len(pod.Spec.ReadinessGates))
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}
