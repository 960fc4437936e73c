// Package scheduler places pods on nodes, as kube-scheduler does: it watches unscheduled pods and
// nodes through informers, takes pods one at a time from its queue, runs the profile's filter
// plugins over the nodes in parallel (on an adaptive share of them, from a rotating start),
// scores the nodes that fit, assumes the pod onto the best one in its cache and binds it
// asynchronously, so that the next pod is being scheduled while the API call is in flight. A pod
// that fits nowhere gets PodScheduled=False and a FailedScheduling event saying why on each node,
// and waits in the queue for a cluster event that may help.
//
// Plugins are in scheduler/plugins (the defaults) or anywhere (out of tree): see
// scheduler/framework for the API and scheduler/schedulertest for the kit.
package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
	"github.com/skiff-io/skiff/scheduler/internal/cache"
	"github.com/skiff-io/skiff/scheduler/internal/queue"
)

// Options configure a Scheduler.
type Options struct {
	// Profiles are the scheduling profiles, one per scheduler name; every profile must use the
	// same QueueSort plugin, as in Kubernetes.
	Profiles []runtime.Profile
	// Registry makes the plugins the profiles name.
	Registry framework.Registry
	// PercentageOfNodesToScore is the share of nodes to find feasible before scoring (0: adaptive,
	// from 50% down to 5% as clusters grow, never fewer than 100 nodes).
	PercentageOfNodesToScore int32
	// Parallelism bounds Filter and Score workers (16 when zero).
	Parallelism int
	// PodInitialBackoff and PodMaxBackoff bound a failed pod's backoff (1 s and 10 s when zero).
	PodInitialBackoff, PodMaxBackoff time.Duration
	// Recorder records FailedScheduling and Scheduled events; none when nil.
	Recorder framework.EventRecorder
	// Metrics receives what the scheduler measures; none when nil.
	Metrics Metrics
	Clock   clock.WithTicker
	Logger  logr.Logger
}

// Metrics is told of scheduling attempts, queue lengths and plugin durations.
type Metrics interface {
	// Attempt: result is "scheduled", "unschedulable" or "error".
	Attempt(profile, result string, d time.Duration)
	PendingPods(active, backoff, unschedulable int)
	PluginDuration(extensionPoint, plugin string, status framework.Code, d time.Duration)
}

// Scheduler places pods.
type Scheduler struct {
	opts     Options
	c        *client.Client
	pods     *client.Resource[*core.Pod]
	profiles map[string]*runtime.Framework
	cache    *cache.Cache
	queue    *queue.PriorityQueue
	snapshot *framework.Snapshot
	log      logr.Logger

	nextStartNodeIndex int
	// scores is the last cycle's scores, whose memory the next cycle reuses (cycles run one at a
	// time).
	scores    []runtime.NodePluginScores
	binding   sync.WaitGroup
	synced    []func() bool
	scheduled atomic.Int64
}

// New builds a scheduler fed by the factory's pod and node informers (start the factory after).
func New(ctx context.Context, c *client.Client, f *informer.Factory, opts Options) (*Scheduler, error) {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if len(opts.Profiles) == 0 {
		return nil, errors.New("scheduler: no profiles")
	}
	s := &Scheduler{opts: opts, c: c, profiles: map[string]*runtime.Framework{}, log: opts.Logger.WithName("scheduler"),
		snapshot: &framework.Snapshot{NodeInfoMap: map[string]*framework.NodeInfo{}}}
	if c != nil {
		s.pods = client.For[*core.Pod](c)
	}
	var rtMetrics func(string, string, framework.Code, time.Duration)
	if opts.Metrics != nil {
		rtMetrics = opts.Metrics.PluginDuration
	}
	events := map[string][]framework.ClusterEventWithHint{}
	var queueSort string
	var less func(a, b *framework.QueuedPodInfo) bool
	for _, p := range opts.Profiles {
		if p.SchedulerName == "" {
			p.SchedulerName = core.DefaultSchedulerName
		}
		if _, dup := s.profiles[p.SchedulerName]; dup {
			return nil, fmt.Errorf("scheduler: two profiles named %q", p.SchedulerName)
		}
		fwk, err := runtime.New(ctx, opts.Registry, p, runtime.Options{Snapshot: s.snapshot, Client: c, Recorder: opts.Recorder, Parallelism: opts.Parallelism,
			Clock: opts.Clock, Logger: opts.Logger, Metrics: rtMetrics})
		if err != nil {
			return nil, err
		}
		s.profiles[p.SchedulerName] = fwk
		qs := fwk.QueueSortName()
		if queueSort != "" && qs != queueSort {
			return nil, fmt.Errorf("scheduler: profiles use different queueSort plugins (%s, %s): they must share one", queueSort, qs)
		}
		queueSort, less = qs, fwk.QueueSortLess
		for _, ext := range fwk.EnqueueExtensions() {
			evs, err := ext.EventsToRegister(ctx)
			if err != nil {
				return nil, fmt.Errorf("scheduler: events of %s: %w", ext.Name(), err)
			}
			events[ext.Name()] = evs
		}
	}
	s.cache = cache.New(0, opts.Clock, opts.Logger)
	s.queue = queue.New(queue.Options{
		Clock: opts.Clock, Less: less, PodInitialBackoff: opts.PodInitialBackoff, PodMaxBackoff: opts.PodMaxBackoff,
		PreEnqueue: func(pod *core.Pod) []framework.PreEnqueuePlugin {
			if fwk := s.profiles[schedulerName(pod)]; fwk != nil {
				return fwk.PreEnqueuePlugins()
			}
			return nil
		},
		Events: events, Logger: opts.Logger,
	})
	if f != nil {
		if err := s.addHandlers(f); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func schedulerName(p *core.Pod) string {
	if p.Spec.SchedulerName == "" {
		return core.DefaultSchedulerName
	}
	return p.Spec.SchedulerName
}

// responsible reports whether one of the profiles schedules pod.
func (s *Scheduler) responsible(p *core.Pod) bool { return s.profiles[schedulerName(p)] != nil }

// Cache returns the scheduler's cache, for tests.
func (s *Scheduler) Cache() *cache.Cache { return s.cache }

// Queue returns the scheduling queue.
func (s *Scheduler) Queue() *queue.PriorityQueue { return s.queue }

// Profile returns the framework of a scheduler name.
func (s *Scheduler) Profile(name string) *runtime.Framework { return s.profiles[name] }

// Scheduled counts the pods bound so far.
func (s *Scheduler) Scheduled() int64 { return s.scheduled.Load() }

// HasSynced reports whether the informers feeding the scheduler have synced.
func (s *Scheduler) HasSynced() bool {
	for _, f := range s.synced {
		if !f() {
			return false
		}
	}
	return true
}

// Run schedules pods until ctx is done, after the informers have synced, and waits for the
// bindings in flight.
func (s *Scheduler) Run(ctx context.Context) error {
	go s.queue.Run(ctx)
	go s.cache.Run(ctx, time.Second)
	if !informer.WaitForCacheSync(ctx, s.HasSynced) {
		return ctx.Err()
	}
	s.log.Info("started", "profiles", len(s.profiles))
	if s.opts.Metrics != nil {
		go s.reportPending(ctx)
	}
	for ctx.Err() == nil {
		s.ScheduleOne(ctx)
	}
	s.binding.Wait()
	return nil
}

// ScheduleOne takes the next pod from the queue and runs its scheduling cycle; the binding cycle
// continues in the background.
func (s *Scheduler) ScheduleOne(ctx context.Context) {
	pi, err := s.queue.Pop(ctx)
	if err != nil {
		return
	}
	pod := pi.Pod
	fwk := s.profiles[schedulerName(pod)]
	if fwk == nil || pod.DeletionTimestamp != nil || s.cache.IsAssumedPod(pod) {
		return
	}
	start := s.opts.Clock.Now()
	cycle := s.queue.SchedulingCycle()
	state := framework.NewCycleState()
	s.cache.UpdateSnapshot(s.snapshot)
	fwk.SetSnapshot(s.snapshot)

	host, status := s.schedulePod(ctx, fwk, state, pod)
	if !status.IsSuccess() {
		s.fail(ctx, fwk, pi, state, status, cycle, start)
		return
	}
	assumed := pod.DeepCopyObject().(*core.Pod)
	assumed.Spec.NodeName = host
	if err := s.cache.AssumePod(assumed); err != nil {
		s.fail(ctx, fwk, pi, state, framework.AsStatus(err), cycle, start)
		return
	}
	if st := fwk.RunReservePluginsReserve(ctx, state, assumed, host); !st.IsSuccess() {
		fwk.RunReservePluginsUnreserve(ctx, state, assumed, host)
		s.forget(assumed)
		s.fail(ctx, fwk, pi, state, st, cycle, start)
		return
	}
	if st := fwk.RunPermitPlugins(ctx, state, assumed, host); !st.IsSuccess() && !st.IsWait() {
		fwk.RunReservePluginsUnreserve(ctx, state, assumed, host)
		s.forget(assumed)
		s.fail(ctx, fwk, pi, state, st, cycle, start)
		return
	}
	if s.opts.Metrics != nil {
		s.opts.Metrics.Attempt(fwk.ProfileName(), "scheduled", s.opts.Clock.Since(start))
	}
	s.binding.Add(1)
	go func() {
		defer s.binding.Done()
		s.bind(ctx, fwk, pi, state, assumed, host, cycle)
	}()
}

func (s *Scheduler) forget(pod *core.Pod) {
	if err := s.cache.ForgetPod(pod); err != nil {
		s.log.Error(err, "forgetting an assumed pod")
	}
}

// bind is the binding cycle: wait for Permit, PreBind, Bind, PostBind.
func (s *Scheduler) bind(ctx context.Context, fwk *runtime.Framework, pi *framework.QueuedPodInfo, state *framework.CycleState, assumed *core.Pod, host string, cycle int64) {
	fail := func(st *framework.Status) {
		fwk.RunReservePluginsUnreserve(ctx, state, assumed, host)
		s.forget(assumed)
		// The pod's resources are free again: pods waiting for room may fit now.
		s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventAssignedPod, ActionType: framework.Delete}, assumed, nil)
		s.fail(ctx, fwk, pi, state, st, cycle, time.Time{})
	}
	if st := fwk.WaitOnPermit(ctx, assumed); !st.IsSuccess() {
		fail(st)
		return
	}
	if st := fwk.RunPreBindPlugins(ctx, state, assumed, host); !st.IsSuccess() {
		fail(st)
		return
	}
	if st := fwk.RunBindPlugins(ctx, state, assumed, host); !st.IsSuccess() {
		fail(st)
		return
	}
	s.cache.FinishBinding(assumed)
	s.scheduled.Add(1)
	fwk.EventRecorder().Eventf(assumed, "Normal", "Scheduled", "Successfully assigned %s/%s to %s", assumed.Namespace, assumed.Name, host)
	fwk.RunPostBindPlugins(ctx, state, assumed, host)
}

// ErrNoNodesAvailable: there are no nodes at all.
var ErrNoNodesAvailable = errors.New("no nodes available to schedule pods")

// schedulePod finds the best node for a pod, or says why there is none.
func (s *Scheduler) schedulePod(ctx context.Context, fwk *runtime.Framework, state *framework.CycleState, pod *core.Pod) (string, *framework.Status) {
	if s.snapshot.NumNodes() == 0 {
		return "", framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrNoNodesAvailable.Error())
	}
	feasible, statuses, st := s.findNodesThatFit(ctx, fwk, state, pod)
	if !st.IsSuccess() {
		return "", st
	}
	if len(feasible) == 0 {
		fe := &fitError{numNodes: s.snapshot.NumNodes(), statuses: statuses}
		return "", framework.NewStatus(framework.Unschedulable).WithError(fe)
	}
	if len(feasible) == 1 {
		return feasible[0].Node().Name, nil
	}
	if st := fwk.RunPreScorePlugins(ctx, state, pod, feasible); !st.IsSuccess() {
		return "", st
	}
	scores, st := fwk.RunScorePlugins(ctx, state, pod, feasible, s.scores)
	if !st.IsSuccess() {
		return "", st
	}
	s.scores = scores
	return selectHost(scores), nil
}

// selectHost picks the highest total score, ties broken at random (reservoir sampling, as
// Kubernetes), so that equal nodes share the load.
func selectHost(scores []runtime.NodePluginScores) string {
	best, seen := 0, 1
	for i := 1; i < len(scores); i++ {
		switch {
		case scores[i].TotalScore > scores[best].TotalScore:
			best, seen = i, 1
		case scores[i].TotalScore == scores[best].TotalScore:
			seen++
			if rand.IntN(seen) == 0 {
				best = i
			}
		}
	}
	return scores[best].Name
}

// numFeasibleNodesToFind is how many fitting nodes are enough to stop filtering: all of a small
// cluster, else a share that shrinks from 50% as the cluster grows (to at least 5%), and never
// fewer than 100, as Kubernetes computes it.
func numFeasibleNodesToFind(percentage int32, all int) int {
	const minNodes, minPercentage = 100, 5
	if all < minNodes || percentage >= 100 {
		return all
	}
	pct := int(percentage)
	if pct <= 0 {
		pct = 50 - all/125
		if pct < minPercentage {
			pct = minPercentage
		}
	}
	n := all * pct / 100
	if n < minNodes {
		return minNodes
	}
	return n
}

// findNodesThatFit runs PreFilter, then Filter over the nodes from a rotating start, in parallel,
// until enough fit. The pod's nominated node, if any, is tried first.
func (s *Scheduler) findNodesThatFit(ctx context.Context, fwk *runtime.Framework, state *framework.CycleState, pod *core.Pod) ([]*framework.NodeInfo, framework.NodeToStatus, *framework.Status) {
	statuses := framework.NodeToStatus{}
	res, st := fwk.RunPreFilterPlugins(ctx, state, pod)
	if !st.IsSuccess() {
		if st.IsRejected() {
			for _, ni := range s.snapshot.NodeInfoList {
				statuses[ni.Node().Name] = st
			}
			return nil, statuses, nil
		}
		return nil, nil, st
	}
	nodes := s.snapshot.NodeInfoList
	if !res.AllNodes() {
		nodes = make([]*framework.NodeInfo, 0, len(res.NodeNames))
		for _, ni := range s.snapshot.NodeInfoList {
			if res.NodeNames[ni.Node().Name] {
				nodes = append(nodes, ni)
			} else {
				statuses[ni.Node().Name] = framework.NewStatus(framework.UnschedulableAndUnresolvable,
					"node(s) didn't satisfy plugin(s) [PreFilter]")
			}
		}
	}
	if nom := pod.Status.NominatedNodeName; nom != "" {
		if ni, err := s.snapshot.Get(nom); err == nil {
			if st := s.filterWithNominated(ctx, fwk, state, pod, ni); st.IsSuccess() {
				return []*framework.NodeInfo{ni}, statuses, nil
			}
		}
	}
	if !fwk.HasFilterPlugins() {
		return nodes, statuses, nil
	}
	pct := fwk.PercentageOfNodesToScore()
	if pct == 0 {
		pct = s.opts.PercentageOfNodesToScore
	}
	want := numFeasibleNodesToFind(pct, len(nodes))
	feasible := make([]*framework.NodeInfo, want)
	var found atomic.Int32
	var processed atomic.Int32
	var mu sync.Mutex
	var firstErr *framework.Status
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := s.nextStartNodeIndex % max(1, len(nodes))
	par := fwk.Parallelizer()
	par.Until(fctx, len(nodes), func(i int) {
		ni := nodes[(start+i)%len(nodes)]
		st := s.filterWithNominated(fctx, fwk, state, pod, ni)
		processed.Add(1)
		switch {
		case st.IsSuccess():
			n := found.Add(1)
			if int(n) > want {
				cancel()
				found.Add(-1)
				return
			}
			feasible[n-1] = ni
			if int(n) == want {
				cancel()
			}
		case st.IsRejected():
			mu.Lock()
			statuses[ni.Node().Name] = st
			mu.Unlock()
		default:
			mu.Lock()
			if firstErr == nil {
				firstErr = st
			}
			mu.Unlock()
			cancel()
		}
	})
	if firstErr != nil {
		return nil, nil, firstErr
	}
	s.nextStartNodeIndex = (s.nextStartNodeIndex + int(processed.Load())) % max(1, len(nodes))
	return feasible[:found.Load()], statuses, nil
}

// filterWithNominated runs the filters on a node, counting the pods nominated there with at least
// the pod's priority as if they ran (so that a preemptor's room is not taken), and, when there
// are such pods, also without them (the pod must fit either way, as Kubernetes checks).
func (s *Scheduler) filterWithNominated(ctx context.Context, fwk *runtime.Framework, state *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) *framework.Status {
	nominated := s.queue.Nominator().PodsForNode(ni.Node().Name)
	if len(nominated) == 0 {
		return fwk.RunFilterPlugins(ctx, state, pod, ni)
	}
	prio := podPriority(pod)
	added := false
	niCopy := ni.Snapshot()
	stateCopy := state.Clone()
	for _, np := range nominated {
		if np.Pod.UID == pod.UID || podPriority(np.Pod) < prio {
			continue
		}
		niCopy.AddPodInfo(np)
		added = true
	}
	if !added {
		return fwk.RunFilterPlugins(ctx, state, pod, ni)
	}
	if st := fwk.RunFilterPlugins(ctx, stateCopy, pod, niCopy); !st.IsSuccess() {
		return st
	}
	return fwk.RunFilterPlugins(ctx, state, pod, ni)
}

func podPriority(p *core.Pod) int32 {
	if p.Spec.Priority == nil {
		return 0
	}
	return *p.Spec.Priority
}

// fitError is a pod fitting no node, with each node's reason.
type fitError struct {
	numNodes      int
	statuses      framework.NodeToStatus
	postFilterMsg string
}

// Error is Kubernetes' message: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had
// untolerated taint {...}." with the reasons counted and sorted.
func (e *fitError) Error() string {
	counts := map[string]int{}
	for _, st := range e.statuses {
		for _, r := range st.Reasons() {
			counts[r]++
		}
	}
	reasons := make([]string, 0, len(counts))
	for r, n := range counts {
		reasons = append(reasons, fmt.Sprintf("%d %s", n, r))
	}
	sort.Strings(reasons)
	msg := fmt.Sprintf("0/%d nodes are available", e.numNodes)
	if len(reasons) > 0 {
		msg += ": " + strings.Join(reasons, ", ")
	}
	msg += "."
	if e.postFilterMsg != "" {
		msg += " " + e.postFilterMsg
	}
	return msg
}

// unschedulablePlugins are the plugins whose rejections kept the pod off the nodes.
func (e *fitError) unschedulablePlugins() map[string]bool {
	out := map[string]bool{}
	for _, st := range e.statuses {
		if p := st.Plugin(); p != "" {
			out[p] = true
		}
	}
	return out
}

// fail handles a failed attempt: preemption (PostFilter) for a pod that fits nowhere, the
// PodScheduled=False condition and the FailedScheduling event, and the pod's return to the queue.
func (s *Scheduler) fail(ctx context.Context, fwk *runtime.Framework, pi *framework.QueuedPodInfo, state *framework.CycleState, st *framework.Status, cycle int64, start time.Time) {
	pod := pi.Pod
	result := "error"
	reason := "SchedulerError"
	msg := st.Message()
	var nominated *framework.NominatingInfo
	if fe, ok := asFitError(st); ok {
		result, reason = "unschedulable", "Unschedulable"
		pi.UnschedulablePlugins = fe.unschedulablePlugins()
		if fwk.HasPostFilterPlugins() {
			r, pst := fwk.RunPostFilterPlugins(ctx, state, pod, fe.statuses)
			if r != nil && r.NominatingInfo != nil {
				nominated = r.NominatingInfo
			}
			if pst.Code() == framework.Unschedulable || pst.IsSuccess() {
				if m := pst.Message(); m != "" {
					fe.postFilterMsg = m
				}
			}
		}
		msg = fe.Error()
	} else if st.IsRejected() {
		result, reason = "unschedulable", "Unschedulable"
		if p := st.Plugin(); p != "" {
			pi.UnschedulablePlugins = map[string]bool{p: true}
		}
	}
	if s.opts.Metrics != nil && !start.IsZero() {
		s.opts.Metrics.Attempt(fwk.ProfileName(), result, s.opts.Clock.Since(start))
	}
	if nominated != nil && nominated.Mode == framework.ModeOverride {
		s.queue.Nominator().Add(pi.PodInfo, nominated.NominatedNodeName)
	}
	s.queue.AddUnschedulableIfNotPresent(pi, cycle)
	fwk.EventRecorder().Eventf(pod, "Warning", "FailedScheduling", "%s", msg)
	s.setUnschedulable(ctx, pod, reason, msg, nominated)
}

func asFitError(st *framework.Status) (*fitError, bool) {
	if st == nil {
		return nil, false
	}
	var fe *fitError
	if errors.As(st.AsError(), &fe) {
		return fe, true
	}
	return nil, false
}

// setUnschedulable writes PodScheduled=False (and the nominated node) to the pod's status, unless
// it already says so.
func (s *Scheduler) setUnschedulable(ctx context.Context, pod *core.Pod, reason, msg string, nominated *framework.NominatingInfo) {
	if s.pods == nil {
		return
	}
	nom := pod.Status.NominatedNodeName
	if nominated != nil && nominated.Mode == framework.ModeOverride {
		nom = nominated.NominatedNodeName
	}
	if c := pod.Condition(core.PodScheduled); c != nil && c.Status == core.ConditionFalse && c.Reason == reason && c.Message == msg && nom == pod.Status.NominatedNodeName {
		return
	}
	cond := map[string]any{"type": core.PodScheduled, "status": core.ConditionFalse, "reason": reason, "message": msg,
		"lastProbeTime": nil, "lastTransitionTime": meta.NewTime(s.opts.Clock.Now())}
	status := map[string]any{"conditions": []any{cond}}
	if nom != pod.Status.NominatedNodeName {
		status["nominatedNodeName"] = nom
	}
	patch, err := json.Marshal(map[string]any{"status": status})
	if err != nil {
		return
	}
	_, err = s.pods.Namespace(pod.Namespace).Patch(ctx, pod.Name, client.StrategicMergePatchType, patch, client.PatchOptions{}, "status")
	if err != nil && ctx.Err() == nil {
		s.log.V(1).Info("could not update the pod's status", "pod", pod.Namespace+"/"+pod.Name, "err", err.Error())
	}
}

// reportPending publishes the queue's lengths every second.
func (s *Scheduler) reportPending(ctx context.Context) {
	t := s.opts.Clock.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			s.opts.Metrics.PendingPods(s.queue.PendingPods())
		}
	}
}
