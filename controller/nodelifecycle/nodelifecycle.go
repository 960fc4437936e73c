package nodelifecycle

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller"
	"github.com/skiff-io/skiff/informer"
)

// Name is the controller's name, in logs, metrics and leader election.
const Name = "nodelifecycle"

// The taints the controller manages.
const (
	TaintNodeNotReady           = "node.kubernetes.io/not-ready"
	TaintNodeUnreachable        = "node.kubernetes.io/unreachable"
	TaintNodeUnschedulable      = "node.kubernetes.io/unschedulable"
	TaintNodeMemoryPressure     = "node.kubernetes.io/memory-pressure"
	TaintNodeDiskPressure       = "node.kubernetes.io/disk-pressure"
	TaintNodePIDPressure        = "node.kubernetes.io/pid-pressure"
	TaintNodeNetworkUnavailable = "node.kubernetes.io/network-unavailable"
)

// The defaults of Options, those of kube-controller-manager 1.32.
const (
	DefaultNodeMonitorPeriod         = 5 * time.Second
	DefaultNodeMonitorGracePeriod    = 50 * time.Second
	DefaultNodeStartupGracePeriod    = 60 * time.Second
	DefaultNodeEvictionRate          = 0.1
	DefaultSecondaryNodeEvictionRate = 0.01
	DefaultLargeClusterSizeThreshold = 50
	DefaultUnhealthyZoneThreshold    = 0.55
)

// EventRecorder records Events; client/record's recorders are ones.
type EventRecorder = controller.EventRecorder

// Options tune the controller. Zero values take the defaults above.
type Options struct {
	// NodeMonitorPeriod is how often every node's health is checked (--node-monitor-period).
	NodeMonitorPeriod time.Duration
	// NodeMonitorGracePeriod is how long a node may go without a heartbeat before its
	// conditions become Unknown (--node-monitor-grace-period).
	NodeMonitorGracePeriod time.Duration
	// NodeStartupGracePeriod replaces NodeMonitorGracePeriod for a node that has never posted
	// its Ready condition, counted from when the controller first saw it
	// (--node-startup-grace-period).
	NodeStartupGracePeriod time.Duration
	// NodeEvictionRate is how many nodes a second are tainted NoExecute in a healthy zone
	// (--node-eviction-rate); negative: none.
	NodeEvictionRate float64
	// SecondaryNodeEvictionRate replaces it in a partially disrupted zone of more than
	// LargeClusterSizeThreshold nodes (--secondary-node-eviction-rate); negative: none.
	SecondaryNodeEvictionRate float64
	// LargeClusterSizeThreshold: smaller partially disrupted zones are not tainted NoExecute
	// at all (--large-cluster-size-threshold).
	LargeClusterSizeThreshold int
	// UnhealthyZoneThreshold is the share of not Ready nodes (more than two of them) that makes
	// a zone partially disrupted (--unhealthy-zone-threshold).
	UnhealthyZoneThreshold float64
	// Workers reconcile nodes' NoSchedule taints and pods' evictions in parallel (8 when zero).
	Workers  int
	Recorder EventRecorder
	// Clock gives every time the controller uses: probe times, grace periods, timeAdded,
	// toleration deadlines, rate limits.
	Clock  clock.Clock
	Logger logr.Logger
	// Controller tunes the reconcile loop (rate limiter, metrics); Workers, Clock and Logger
	// above win.
	Controller controller.Options
}

func (o *Options) defaults() {
	if o.NodeMonitorPeriod <= 0 {
		o.NodeMonitorPeriod = DefaultNodeMonitorPeriod
	}
	if o.NodeMonitorGracePeriod <= 0 {
		o.NodeMonitorGracePeriod = DefaultNodeMonitorGracePeriod
	}
	if o.NodeStartupGracePeriod <= 0 {
		o.NodeStartupGracePeriod = DefaultNodeStartupGracePeriod
	}
	if o.NodeEvictionRate == 0 {
		o.NodeEvictionRate = DefaultNodeEvictionRate
	}
	if o.SecondaryNodeEvictionRate == 0 {
		o.SecondaryNodeEvictionRate = DefaultSecondaryNodeEvictionRate
	}
	if o.LargeClusterSizeThreshold <= 0 {
		o.LargeClusterSizeThreshold = DefaultLargeClusterSizeThreshold
	}
	if o.UnhealthyZoneThreshold <= 0 {
		o.UnhealthyZoneThreshold = DefaultUnhealthyZoneThreshold
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.Recorder == nil {
		o.Recorder = controller.NopRecorder{}
	}
}

// podNodeIndex indexes pods by the node they are bound to.
const podNodeIndex = "spec.nodeName"

// Controller is the node lifecycle controller. It is its own runnable rather than a
// controller.Controller because, besides reconciling nodes and pods as their informers report
// changes, it must look at every node on a timer: a node that stops sending heartbeats produces
// no events at all.
type Controller struct {
	opts  Options
	clock clock.Clock
	rec   EventRecorder
	log   logr.Logger

	nodes    *client.Resource[*core.Node]
	pods     *client.Resource[*core.Pod]
	nodeList informer.Lister[*core.Node]
	leases   informer.Lister[*coordination.Lease]
	podInf   *informer.Informer[*core.Pod]
	synced   []func() bool

	// ctl reconciles nodes (cluster-scoped requests: their NoSchedule taints) and pods
	// (namespaced requests: NoExecute eviction and readiness on a node that is not Ready).
	ctl *controller.Controller

	health *healthMap
	zones  *zones

	// known holds the nodes the monitor has seen, as it last saw them; only the monitor loop
	// uses it.
	known map[string]*core.Node
	// mu guards the maps below.
	mu sync.Mutex
	// retryNotReady names nodes whose pods could not all be marked not Ready.
	retryNotReady map[string]bool
	// taintSeen holds, per node, when the controller first saw each of its NoExecute taints,
	// for taints without timeAdded.
	taintSeen map[string]map[taintID]time.Time
	// podSeen holds when the controller saw a pod bound to its node, for pods bound after it
	// started.
	podSeen map[string]podBinding
	// pending holds the pods whose deletion is scheduled, and when.
	pending map[string]time.Time

	runMu   sync.Mutex
	started bool
	// afterPass, when set (by tests), is called after each monitor pass.
	afterPass func()
}

type taintID struct {
	key    string
	effect core.TaintEffect
}

type podBinding struct {
	node string
	at   time.Time
}

// New returns the controller, fed by the three informers (which the caller starts). The lease
// informer must hold the Leases of kube-node-lease. New adds a spec.nodeName index to the pod
// informer.
func New(c *client.Client, nodeInf *informer.Informer[*core.Node], leaseInf *informer.Informer[*coordination.Lease], podInf *informer.Informer[*core.Pod], opts Options) (*Controller, error) {
	opts.defaults()
	nc := &Controller{
		opts:          opts,
		clock:         opts.Clock,
		rec:           opts.Recorder,
		log:           opts.Logger.WithName(Name),
		nodes:         client.For[*core.Node](c),
		pods:          client.For[*core.Pod](c),
		nodeList:      nodeInf.Lister(),
		leases:        leaseInf.Lister(),
		podInf:        podInf,
		health:        &healthMap{m: map[string]*nodeHealth{}},
		zones:         newZones(opts.NodeEvictionRate),
		known:         map[string]*core.Node{},
		retryNotReady: map[string]bool{},
		taintSeen:     map[string]map[taintID]time.Time{},
		podSeen:       map[string]podBinding{},
		pending:       map[string]time.Time{},
	}
	err := podInf.AddIndexers(map[string]informer.IndexFunc[*core.Pod]{
		podNodeIndex: func(p *core.Pod) []string {
			if p.Spec.NodeName == "" {
				return nil
			}
			return []string{p.Spec.NodeName}
		},
	})
	if err != nil && !indexExists(podInf) {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	co := opts.Controller
	co.Workers, co.Clock, co.Logger = opts.Workers, opts.Clock, opts.Logger
	nc.ctl = controller.New(Name, controller.ReconcilerFunc(nc.reconcile), co)

	nodeReg, err := nodeInf.AddEventHandler(informer.HandlerFuncs[*core.Node]{
		AddFunc:    func(n *core.Node, _ bool) { nc.nodeChanged(nil, n) },
		UpdateFunc: nc.nodeChanged,
		DeleteFunc: func(n *core.Node) { nc.nodeChanged(n, nil) },
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	podReg, err := podInf.AddEventHandler(informer.HandlerFuncs[*core.Pod]{
		AddFunc:    nc.podAdded,
		UpdateFunc: nc.podUpdated,
		DeleteFunc: nc.podDeleted,
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	nc.synced = []func() bool{nodeInf.HasSynced, leaseInf.HasSynced, podInf.HasSynced, nodeReg.HasSynced, podReg.HasSynced}
	nc.ctl.WaitFor(nc.synced...)
	return nc, nil
}

// indexExists reports whether the pod informer already has a spec.nodeName index (added by
// another controller sharing it), which serves as well as ours.
func indexExists(podInf *informer.Informer[*core.Pod]) bool {
	_, err := podInf.Cache().ByIndex(podNodeIndex, "")
	return err == nil
}

// Run waits for the informers to sync, then monitors nodes every NodeMonitorPeriod and
// reconciles nodes and pods until ctx is done. It returns after its goroutines have stopped.
func (nc *Controller) Run(ctx context.Context) error {
	nc.runMu.Lock()
	if nc.started {
		nc.runMu.Unlock()
		return fmt.Errorf("%s: already running", Name)
	}
	nc.started = true
	nc.runMu.Unlock()

	ctx = logr.NewContext(ctx, nc.log)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := nc.ctl.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			nc.log.Error(err, "reconcile loop stopped")
		}
	}()
	defer wg.Wait()
	if !informer.WaitForCacheSync(ctx, nc.synced...) {
		return nil
	}
	// A pod's first event may have come before its node's: look at every pod of a node that
	// calls for action once both caches are full.
	for _, n := range nc.nodeList.List(nil) {
		if len(noExecuteTaints(n.Spec.Taints)) > 0 || !nodeReady(n) {
			for _, p := range nc.podsOn(n.Name) {
				nc.ctl.Enqueue(controller.RequestFor(p))
			}
		}
	}
	nc.monitorLoop(ctx)
	return nil
}

// monitorLoop checks node health every NodeMonitorPeriod and retries pending NoExecute taints
// every evictionPeriod, both on the injected clock, until ctx is done.
func (nc *Controller) monitorLoop(ctx context.Context) {
	monitor, stopMonitor := nc.ticker(nc.opts.NodeMonitorPeriod)
	defer stopMonitor()
	taint, stopTaint := nc.ticker(evictionPeriod)
	defer stopTaint()
	pass := func() {
		nc.monitorNodeHealth(ctx)
		nc.noExecuteTaintingPass(ctx) // at once, rather than on the next tick
		if nc.afterPass != nil {
			nc.afterPass()
		}
	}
	pass()
	for {
		select {
		case <-ctx.Done():
			return
		case <-monitor:
			pass()
		case <-taint:
			nc.noExecuteTaintingPass(ctx)
		}
	}
}

// evictionPeriod is how often the zones' NoExecute tainting queues are tried, as Kubernetes'
// NodeEvictionPeriod.
const evictionPeriod = 100 * time.Millisecond

func (nc *Controller) ticker(d time.Duration) (<-chan time.Time, func()) {
	if c, ok := nc.clock.(clock.WithTicker); ok {
		t := c.NewTicker(d)
		return t.C(), t.Stop
	}
	return nc.clock.Tick(d), func() {}
}

// reconcile dispatches a request: nodes are cluster-scoped, pods namespaced.
func (nc *Controller) reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	if req.Namespace == "" {
		return controller.Result{}, nc.syncNoScheduleTaints(ctx, req.Name)
	}
	return nc.syncPod(ctx, req)
}

// nodeChanged enqueues the node for its NoSchedule taints and, when its NoExecute taints
// changed, every pod bound to it. old is nil for an added node, n for a deleted one.
func (nc *Controller) nodeChanged(old, n *core.Node) {
	name := ""
	var oldTaints, newTaints []core.Taint
	if old != nil {
		name = old.Name
		oldTaints = noExecuteTaints(old.Spec.Taints)
	}
	if n != nil {
		name = n.Name
		newTaints = noExecuteTaints(n.Spec.Taints)
		if old == nil || old.ResourceVersion != n.ResourceVersion {
			nc.ctl.Enqueue(controller.Request{Name: name})
		}
	}
	if old != nil && n != nil && equality.DeepEqual(oldTaints, newTaints) {
		return
	}
	nc.noteTaints(name, newTaints, n == nil)
	for _, p := range nc.podsOn(name) {
		nc.ctl.Enqueue(controller.RequestFor(p))
	}
}

// noteTaints records when each NoExecute taint of a node was first seen.
func (nc *Controller) noteTaints(node string, taints []core.Taint, deleted bool) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	if deleted || len(taints) == 0 {
		delete(nc.taintSeen, node)
		return
	}
	now := nc.clock.Now()
	seen := map[taintID]time.Time{}
	for _, t := range taints {
		id := taintID{t.Key, t.Effect}
		if at, ok := nc.taintSeen[node][id]; ok {
			seen[id] = at
		} else {
			seen[id] = now
		}
	}
	nc.taintSeen[node] = seen
}

func (nc *Controller) podAdded(p *core.Pod, initial bool) {
	if p.Spec.NodeName == "" {
		return
	}
	if !initial {
		// Bound since the controller started: its tolerations count from now at the earliest.
		nc.mu.Lock()
		nc.podSeen[informer.Key(p)] = podBinding{node: p.Spec.NodeName, at: nc.clock.Now()}
		nc.mu.Unlock()
	}
	nc.enqueuePod(p)
}

func (nc *Controller) podUpdated(old, p *core.Pod) {
	if p.Spec.NodeName == "" {
		return
	}
	if old.Spec.NodeName != p.Spec.NodeName {
		nc.mu.Lock()
		nc.podSeen[informer.Key(p)] = podBinding{node: p.Spec.NodeName, at: nc.clock.Now()}
		nc.mu.Unlock()
		nc.enqueuePod(p)
		return
	}
	if !equality.DeepEqual(old.Spec.Tolerations, p.Spec.Tolerations) {
		nc.enqueuePod(p)
	}
}

func (nc *Controller) podDeleted(p *core.Pod) {
	key := informer.Key(p)
	nc.mu.Lock()
	delete(nc.podSeen, key)
	delete(nc.pending, key)
	nc.mu.Unlock()
}

// enqueuePod enqueues a bound pod whose node has NoExecute taints or is not Ready, or whose
// deletion is pending: the only pods the controller may have to act on.
func (nc *Controller) enqueuePod(p *core.Pod) {
	nc.mu.Lock()
	_, pending := nc.pending[informer.Key(p)]
	nc.mu.Unlock()
	n, err := nc.nodeList.Get(p.Spec.NodeName)
	if pending || (err == nil && (len(noExecuteTaints(n.Spec.Taints)) > 0 || !nodeReady(n))) {
		nc.ctl.Enqueue(controller.RequestFor(p))
	}
}

// podsOn returns the pods bound to a node, from the cache: shared, read-only.
func (nc *Controller) podsOn(node string) []*core.Pod {
	pods, _ := nc.podInf.Cache().ByIndex(podNodeIndex, node)
	return pods
}

// nodeReady reports whether the node's Ready condition is True.
func nodeReady(n *core.Node) bool {
	c := condition(&n.Status, core.NodeReady)
	return c != nil && c.Status == core.ConditionTrue
}

// condition returns the status's condition of type t, or nil.
func condition(st *core.NodeStatus, t core.NodeConditionType) *core.NodeCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}
