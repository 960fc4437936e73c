// Package runtime runs a scheduling profile: the plugins enabled at each extension point, made
// from a registry, called in order, with Filter and Score in parallel over nodes, scores
// normalized and weighted, Permit waits, and the Handle the plugins get.
package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// The extension points, as a profile's configuration names them.
const (
	PreEnqueue = "preEnqueue"
	QueueSort  = "queueSort"
	PreFilter  = "preFilter"
	Filter     = "filter"
	PostFilter = "postFilter"
	PreScore   = "preScore"
	Score      = "score"
	Reserve    = "reserve"
	Permit     = "permit"
	PreBind    = "preBind"
	Bind       = "bind"
	PostBind   = "postBind"
	// MultiPoint enables a plugin at every extension point it implements, after the plugins
	// configured at that point explicitly.
	MultiPoint = "multiPoint"
)

// ExtensionPoints lists them in the order of a cycle.
var ExtensionPoints = []string{PreEnqueue, QueueSort, PreFilter, Filter, PostFilter, PreScore, Score, Reserve, Permit, PreBind, Bind, PostBind}

// PluginRef is an enabled plugin; Weight counts for Score only (1 when zero).
type PluginRef struct {
	Name   string
	Weight int32
}

// Profile is a resolved profile: the plugins of each extension point, in order, and their args.
type Profile struct {
	SchedulerName string
	Plugins       map[string][]PluginRef
	// Disabled names, per extension point, the multiPoint plugins not to enable there ("*": any).
	Disabled map[string]map[string]bool
	Args     map[string]json.RawMessage
	// PercentageOfNodesToScore overrides the scheduler's (0: adaptive, as Kubernetes).
	PercentageOfNodesToScore int32
}

// Options are what the framework gives plugins through its Handle.
type Options struct {
	// Snapshot is the lister plugins read (the scheduler refreshes it before each cycle); plugins
	// may keep it from their factory on.
	Snapshot    framework.SharedLister
	Client      *client.Client
	Recorder    framework.EventRecorder
	Parallelism int
	Clock       clock.Clock
	Logger      logr.Logger
	// Metrics, when set, is told how long each plugin's call took.
	Metrics func(extensionPoint, plugin string, status framework.Code, d time.Duration)
}

// Framework runs one profile.
type Framework struct {
	profile Profile
	opts    Options
	par     framework.Parallelizer

	preEnqueue []framework.PreEnqueuePlugin
	queueSort  framework.QueueSortPlugin
	preFilter  []framework.PreFilterPlugin
	filter     []framework.FilterPlugin
	postFilter []framework.PostFilterPlugin
	preScore   []framework.PreScorePlugin
	score      []framework.ScorePlugin
	weights    map[string]int64
	reserve    []framework.ReservePlugin
	permit     []framework.PermitPlugin
	preBind    []framework.PreBindPlugin
	bind       []framework.BindPlugin
	postBind   []framework.PostBindPlugin
	plugins    map[string]framework.Plugin

	mu       sync.RWMutex
	snapshot framework.SharedLister

	waiting *waitingPods
}

// New makes every plugin the profile enables (each once, whatever the number of its extension
// points) and checks that each implements the extension points it is enabled at.
func New(ctx context.Context, reg framework.Registry, p Profile, opts Options) (*Framework, error) {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 16
	}
	if opts.Recorder == nil {
		opts.Recorder = nopRecorder{}
	}
	f := &Framework{profile: p, opts: opts, par: framework.NewParallelizer(opts.Parallelism),
		plugins: map[string]framework.Plugin{}, weights: map[string]int64{}, waiting: newWaitingPods(), snapshot: opts.Snapshot}
	for _, ep := range append(slices.Clone(ExtensionPoints), MultiPoint) {
		for _, ref := range p.Plugins[ep] {
			if _, ok := f.plugins[ref.Name]; ok {
				continue
			}
			factory, ok := reg[ref.Name]
			if !ok {
				return nil, fmt.Errorf("profile %q: plugin %q is not registered", p.SchedulerName, ref.Name)
			}
			pl, err := factory(ctx, p.Args[ref.Name], f)
			if err != nil {
				return nil, fmt.Errorf("profile %q: plugin %q: %w", p.SchedulerName, ref.Name, err)
			}
			f.plugins[ref.Name] = pl
		}
	}
	for _, ep := range ExtensionPoints {
		explicit := map[string]bool{}
		for _, ref := range p.Plugins[ep] {
			explicit[ref.Name] = true
			if err := f.add(ep, ref); err != nil {
				return nil, fmt.Errorf("profile %q: %w", p.SchedulerName, err)
			}
		}
		for _, ref := range p.Plugins[MultiPoint] {
			if explicit[ref.Name] || p.Disabled[ep][ref.Name] || p.Disabled[ep]["*"] || !implements(ep, f.plugins[ref.Name]) {
				continue
			}
			if ep == QueueSort && f.queueSort != nil {
				continue
			}
			if err := f.add(ep, ref); err != nil {
				return nil, fmt.Errorf("profile %q: %w", p.SchedulerName, err)
			}
		}
	}
	if f.queueSort == nil {
		return nil, fmt.Errorf("profile %q: no queueSort plugin", p.SchedulerName)
	}
	if len(f.bind) == 0 {
		return nil, fmt.Errorf("profile %q: no bind plugin", p.SchedulerName)
	}
	return f, nil
}

func (f *Framework) add(ep string, ref PluginRef) error {
	pl := f.plugins[ref.Name]
	wrong := fmt.Errorf("plugin %q does not implement the %s extension point", ref.Name, ep)
	switch ep {
	case PreEnqueue:
		x, ok := pl.(framework.PreEnqueuePlugin)
		if !ok {
			return wrong
		}
		f.preEnqueue = append(f.preEnqueue, x)
	case QueueSort:
		x, ok := pl.(framework.QueueSortPlugin)
		if !ok {
			return wrong
		}
		if f.queueSort != nil {
			return fmt.Errorf("only one queueSort plugin may be enabled, not %q and %q", f.queueSort.Name(), ref.Name)
		}
		f.queueSort = x
	case PreFilter:
		x, ok := pl.(framework.PreFilterPlugin)
		if !ok {
			return wrong
		}
		f.preFilter = append(f.preFilter, x)
	case Filter:
		x, ok := pl.(framework.FilterPlugin)
		if !ok {
			return wrong
		}
		f.filter = append(f.filter, x)
	case PostFilter:
		x, ok := pl.(framework.PostFilterPlugin)
		if !ok {
			return wrong
		}
		f.postFilter = append(f.postFilter, x)
	case PreScore:
		x, ok := pl.(framework.PreScorePlugin)
		if !ok {
			return wrong
		}
		f.preScore = append(f.preScore, x)
	case Score:
		x, ok := pl.(framework.ScorePlugin)
		if !ok {
			return wrong
		}
		w := int64(ref.Weight)
		if w == 0 {
			w = 1
		}
		if w < 0 {
			return fmt.Errorf("plugin %q: negative score weight %d", ref.Name, w)
		}
		f.score = append(f.score, x)
		f.weights[ref.Name] = w
	case Reserve:
		x, ok := pl.(framework.ReservePlugin)
		if !ok {
			return wrong
		}
		f.reserve = append(f.reserve, x)
	case Permit:
		x, ok := pl.(framework.PermitPlugin)
		if !ok {
			return wrong
		}
		f.permit = append(f.permit, x)
	case PreBind:
		x, ok := pl.(framework.PreBindPlugin)
		if !ok {
			return wrong
		}
		f.preBind = append(f.preBind, x)
	case Bind:
		x, ok := pl.(framework.BindPlugin)
		if !ok {
			return wrong
		}
		f.bind = append(f.bind, x)
	case PostBind:
		x, ok := pl.(framework.PostBindPlugin)
		if !ok {
			return wrong
		}
		f.postBind = append(f.postBind, x)
	default:
		return fmt.Errorf("unknown extension point %q", ep)
	}
	return nil
}

// implements reports whether a plugin implements an extension point.
func implements(ep string, pl framework.Plugin) bool {
	var ok bool
	switch ep {
	case PreEnqueue:
		_, ok = pl.(framework.PreEnqueuePlugin)
	case QueueSort:
		_, ok = pl.(framework.QueueSortPlugin)
	case PreFilter:
		_, ok = pl.(framework.PreFilterPlugin)
	case Filter:
		_, ok = pl.(framework.FilterPlugin)
	case PostFilter:
		_, ok = pl.(framework.PostFilterPlugin)
	case PreScore:
		_, ok = pl.(framework.PreScorePlugin)
	case Score:
		_, ok = pl.(framework.ScorePlugin)
	case Reserve:
		_, ok = pl.(framework.ReservePlugin)
	case Permit:
		_, ok = pl.(framework.PermitPlugin)
	case PreBind:
		_, ok = pl.(framework.PreBindPlugin)
	case Bind:
		_, ok = pl.(framework.BindPlugin)
	case PostBind:
		_, ok = pl.(framework.PostBindPlugin)
	}
	return ok
}

type nopRecorder struct{}

func (nopRecorder) Eventf(meta.Object, string, string, string, ...any) {}

// ProfileName returns the profile's scheduler name.
func (f *Framework) ProfileName() string { return f.profile.SchedulerName }

// PercentageOfNodesToScore is the profile's override, 0 when it has none.
func (f *Framework) PercentageOfNodesToScore() int32 { return f.profile.PercentageOfNodesToScore }

// Plugins returns the plugins made for the profile, by name.
func (f *Framework) Plugins() map[string]framework.Plugin { return f.plugins }

// --- framework.Handle ---

// SetSnapshot sets the snapshot of the cycle about to run.
func (f *Framework) SetSnapshot(s framework.SharedLister) {
	f.mu.Lock()
	f.snapshot = s
	f.mu.Unlock()
}

// SnapshotSharedLister returns the current cycle's snapshot.
func (f *Framework) SnapshotSharedLister() framework.SharedLister {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.snapshot
}

// Client returns the client plugins write with.
func (f *Framework) Client() *client.Client { return f.opts.Client }

// EventRecorder returns the recorder.
func (f *Framework) EventRecorder() framework.EventRecorder { return f.opts.Recorder }

// Parallelizer returns the parallelizer.
func (f *Framework) Parallelizer() framework.Parallelizer { return f.par }

// --- running the extension points ---

func (f *Framework) observe(ep, plugin string, st *framework.Status, start time.Time) {
	if f.opts.Metrics != nil {
		f.opts.Metrics(ep, plugin, st.Code(), f.opts.Clock.Since(start))
	}
}

// QueueSortLess is the profile's queue order.
func (f *Framework) QueueSortLess(a, b *framework.QueuedPodInfo) bool { return f.queueSort.Less(a, b) }

// PreEnqueuePlugins returns the PreEnqueue plugins.
func (f *Framework) PreEnqueuePlugins() []framework.PreEnqueuePlugin { return f.preEnqueue }

// EnqueueExtensions returns the plugins that register cluster events.
func (f *Framework) EnqueueExtensions() []framework.EnqueueExtensions {
	var out []framework.EnqueueExtensions
	names := make([]string, 0, len(f.plugins))
	for n := range f.plugins {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if x, ok := f.plugins[n].(framework.EnqueueExtensions); ok {
			out = append(out, x)
		}
	}
	return out
}

// RunPreFilterPlugins runs every PreFilter plugin and intersects their node sets. A plugin that
// Skips is recorded in state so that its Filter is not called.
func (f *Framework) RunPreFilterPlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod) (*framework.PreFilterResult, *framework.Status) {
	var result *framework.PreFilterResult
	skip := map[string]bool{}
	for _, pl := range f.preFilter {
		start := f.opts.Clock.Now()
		r, st := pl.PreFilter(ctx, state, pod)
		f.observe(PreFilter, pl.Name(), st, start)
		switch {
		case st.IsSkip():
			skip[pl.Name()] = true
			continue
		case !st.IsSuccess():
			st.WithPlugin(pl.Name())
			if st.IsRejected() {
				return nil, st
			}
			return nil, framework.AsStatus(fmt.Errorf("running PreFilter plugin %q: %w", pl.Name(), st.AsError())).WithPlugin(pl.Name())
		}
		result = merge(result, r)
		if !result.AllNodes() && len(result.NodeNames) == 0 {
			return result, framework.NewStatus(framework.UnschedulableAndUnresolvable,
				"node(s) didn't satisfy plugin(s) ["+pl.Name()+"] simultaneously").WithPlugin(pl.Name())
		}
	}
	state.SkipFilterPlugins = skip
	active := make([]framework.FilterPlugin, 0, len(f.filter))
	for _, pl := range f.filter {
		if !skip[pl.Name()] {
			active = append(active, pl)
		}
	}
	state.FilterPlugins = active
	return result, nil
}

func merge(a, b *framework.PreFilterResult) *framework.PreFilterResult {
	if b.AllNodes() {
		return a
	}
	if a.AllNodes() {
		return b
	}
	out := &framework.PreFilterResult{NodeNames: map[string]bool{}}
	for n := range a.NodeNames {
		if b.NodeNames[n] {
			out.NodeNames[n] = true
		}
	}
	return out
}

// RunFilterPlugins runs every Filter plugin on one node, stopping at the first that rejects.
func (f *Framework) RunFilterPlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) *framework.Status {
	plugins := state.FilterPlugins
	if plugins == nil {
		for _, pl := range f.filter {
			if !state.SkipFilterPlugins[pl.Name()] {
				plugins = append(plugins, pl)
			}
		}
	}
	for _, pl := range plugins {
		st := pl.Filter(ctx, state, pod, ni)
		if !st.IsSuccess() {
			if !st.IsRejected() {
				return framework.AsStatus(fmt.Errorf("running %q filter plugin: %w", pl.Name(), st.AsError())).WithPlugin(pl.Name())
			}
			return st.WithPlugin(pl.Name())
		}
	}
	return nil
}

// HasFilterPlugins reports whether the profile filters at all.
func (f *Framework) HasFilterPlugins() bool { return len(f.filter) > 0 }

// HasScorePlugins reports whether the profile scores at all.
func (f *Framework) HasScorePlugins() bool { return len(f.score) > 0 }

// HasPostFilterPlugins reports whether the profile has PostFilter plugins.
func (f *Framework) HasPostFilterPlugins() bool { return len(f.postFilter) > 0 }

// RunPostFilterPlugins runs PostFilter plugins until one succeeds.
func (f *Framework) RunPostFilterPlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod, statuses framework.NodeToStatus) (*framework.PostFilterResult, *framework.Status) {
	var reasons []string
	var result *framework.PostFilterResult
	for _, pl := range f.postFilter {
		r, st := pl.PostFilter(ctx, state, pod, statuses)
		if st.IsSuccess() {
			return r, st
		}
		if !st.IsRejected() {
			return nil, st.WithPlugin(pl.Name())
		}
		if r != nil && r.NominatingInfo != nil && r.Mode == framework.ModeOverride {
			result = r
		}
		reasons = append(reasons, st.Reasons()...)
	}
	return result, framework.NewStatus(framework.Unschedulable, reasons...)
}

// RunPreScorePlugins runs every PreScore plugin; those that Skip are not scored.
func (f *Framework) RunPreScorePlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod, nodes []*framework.NodeInfo) *framework.Status {
	skip := map[string]bool{}
	for _, pl := range f.preScore {
		start := f.opts.Clock.Now()
		st := pl.PreScore(ctx, state, pod, nodes)
		f.observe(PreScore, pl.Name(), st, start)
		if st.IsSkip() {
			skip[pl.Name()] = true
			continue
		}
		if !st.IsSuccess() {
			return framework.AsStatus(fmt.Errorf("running PreScore plugin %q: %w", pl.Name(), st.AsError())).WithPlugin(pl.Name())
		}
	}
	state.SkipScorePlugins = skip
	return nil
}

// PluginScore is one plugin's weighted score on a node.
type PluginScore struct {
	Name  string
	Score int64
}

// NodePluginScores is a node's scores, per plugin and in total.
type NodePluginScores struct {
	Name       string
	Scores     []PluginScore
	TotalScore int64
}

// RunScorePlugins scores every node with every Score plugin (in parallel over nodes), normalizes
// each plugin's scores, checks they are within [0, 100], and weights them. It returns one entry
// per node, in the order of nodes.
//
// The result is built in dst's memory when there is room (dst[:cap(dst)], each entry's Scores
// included), else in new memory; dst may be nil. A caller that scores pod after pod passes the
// previous result back, and so allocates nothing per cycle: a cycle scores hundreds of nodes, and
// allocating their scores each time makes the garbage collector scan the whole cache far more
// often. What dst held is overwritten, so the caller must be done with it.
func (f *Framework) RunScorePlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod, nodes []*framework.NodeInfo, dst []NodePluginScores) ([]NodePluginScores, *framework.Status) {
	var plugins []framework.ScorePlugin
	for _, pl := range f.score {
		if !state.SkipScorePlugins[pl.Name()] {
			plugins = append(plugins, pl)
		}
	}
	np := len(plugins)
	all := reuseScores(dst, len(nodes), np)
	if np == 0 {
		for i, ni := range nodes {
			all[i].Name = ni.Node().Name
		}
		return all, nil
	}
	names := make([]string, np)
	weights := make([]int64, np)
	for j, pl := range plugins {
		names[j] = pl.Name()
		weights[j] = f.weights[names[j]]
	}
	// The raw scores are written straight into the result, then normalized and weighted in
	// place.
	var errMu sync.Mutex
	var firstErr *framework.Status
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f.par.Until(ctx, len(nodes), func(i int) {
		ni := nodes[i]
		scores := all[i].Scores
		for j, pl := range plugins {
			s, st := pl.Score(ctx, state, pod, ni)
			if !st.IsSuccess() {
				errMu.Lock()
				if firstErr == nil {
					firstErr = framework.AsStatus(fmt.Errorf("plugin %q failed with: %w", names[j], st.AsError())).WithPlugin(names[j])
				}
				errMu.Unlock()
				cancel()
				return
			}
			scores[j].Score = s
		}
	})
	if firstErr != nil {
		return nil, firstErr
	}
	if st := normalizeScores(ctx, state, pod, nodes, plugins, all); !st.IsSuccess() {
		return nil, st
	}
	for i := range all {
		nps := &all[i]
		nps.Name = nodes[i].Node().Name
		for j := range nps.Scores {
			s := nps.Scores[j].Score
			if s < framework.MinNodeScore || s > framework.MaxNodeScore {
				return nil, framework.AsStatus(fmt.Errorf("plugin %q returns an invalid score %d, it should in the range of [%d, %d] after normalizing",
					names[j], s, framework.MinNodeScore, framework.MaxNodeScore)).WithPlugin(names[j])
			}
			w := s * weights[j]
			nps.Scores[j] = PluginScore{Name: names[j], Score: w}
			nps.TotalScore += w
		}
	}
	return all, nil
}

// reuseScores returns n entries with room for np Scores each (their contents are left to the
// caller to overwrite), taken from dst where it has room: its entries' Scores are reused, and the
// entries from the first that has too few on get theirs from one new backing array.
func reuseScores(dst []NodePluginScores, n, np int) []NodePluginScores {
	all := dst[:cap(dst)]
	if len(all) < n {
		all = make([]NodePluginScores, n)
		copy(all, dst[:cap(dst)])
	}
	all = all[:n]
	var spare []PluginScore
	for i := range all {
		scores := all[i].Scores
		if cap(scores) < np {
			if len(spare) == 0 {
				spare = make([]PluginScore, (n-i)*np)
			}
			scores, spare = spare[:np:np], spare[np:]
		}
		all[i] = NodePluginScores{Scores: scores[:np]}
	}
	return all
}

// scoreLists holds the NodeScoreLists NormalizeScore is given, reused across cycles: a plugin
// must not keep the list after NormalizeScore returns.
var scoreLists = sync.Pool{New: func() any { return new(framework.NodeScoreList) }}

// normalizeScores runs the NormalizeScore of each plugin that has one on the plugin's raw
// scores, in place.
func normalizeScores(ctx context.Context, state *framework.CycleState, pod *core.Pod, nodes []*framework.NodeInfo, plugins []framework.ScorePlugin, all []NodePluginScores) *framework.Status {
	var buf *framework.NodeScoreList
	defer func() {
		if buf != nil {
			clear(*buf) // drop the node names, so that the pool does not keep them alive
			scoreLists.Put(buf)
		}
	}()
	for j, pl := range plugins {
		ext := pl.ScoreExtensions()
		if ext == nil {
			continue
		}
		if buf == nil {
			buf = scoreLists.Get().(*framework.NodeScoreList)
			if cap(*buf) < len(nodes) {
				*buf = make(framework.NodeScoreList, len(nodes))
			}
			*buf = (*buf)[:len(nodes)]
		}
		list := *buf
		for i, ni := range nodes {
			list[i] = framework.NodeScore{Name: ni.Node().Name, Score: all[i].Scores[j].Score}
		}
		if st := ext.NormalizeScore(ctx, state, pod, list); !st.IsSuccess() {
			return framework.AsStatus(fmt.Errorf("plugin %q failed with: %w", pl.Name(), st.AsError())).WithPlugin(pl.Name())
		}
		for i := range all {
			all[i].Scores[j].Score = list[i].Score
		}
	}
	return nil
}

// RunReservePluginsReserve runs Reserve plugins; on failure the caller runs Unreserve.
func (f *Framework) RunReservePluginsReserve(ctx context.Context, state *framework.CycleState, pod *core.Pod, node string) *framework.Status {
	for _, pl := range f.reserve {
		if st := pl.Reserve(ctx, state, pod, node); !st.IsSuccess() {
			if st.IsRejected() {
				return st.WithPlugin(pl.Name())
			}
			return framework.AsStatus(fmt.Errorf("running Reserve plugin %q: %w", pl.Name(), st.AsError())).WithPlugin(pl.Name())
		}
	}
	return nil
}

// RunReservePluginsUnreserve runs Unreserve in reverse order.
func (f *Framework) RunReservePluginsUnreserve(ctx context.Context, state *framework.CycleState, pod *core.Pod, node string) {
	for _, pl := range slices.Backward(f.reserve) {
		pl.Unreserve(ctx, state, pod, node)
	}
}

// RunPermitPlugins runs Permit plugins; a Wait makes the pod wait (WaitOnPermit) up to the
// longest timeout asked.
func (f *Framework) RunPermitPlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod, node string) *framework.Status {
	timeouts := map[string]time.Duration{}
	for _, pl := range f.permit {
		st, timeout := pl.Permit(ctx, state, pod, node)
		switch {
		case st.IsSuccess():
		case st.IsWait():
			timeouts[pl.Name()] = min(timeout, 15*time.Minute)
		case st.IsRejected():
			return st.WithPlugin(pl.Name())
		default:
			return framework.AsStatus(fmt.Errorf("running Permit plugin %q: %w", pl.Name(), st.AsError())).WithPlugin(pl.Name())
		}
	}
	if len(timeouts) > 0 {
		f.waiting.add(pod, timeouts, f.opts.Clock)
		return framework.NewStatus(framework.Wait)
	}
	return nil
}

// WaitOnPermit blocks until a waiting pod is allowed by every plugin that made it wait, rejected,
// or timed out.
func (f *Framework) WaitOnPermit(ctx context.Context, pod *core.Pod) *framework.Status {
	wp := f.waiting.get(pod.UID)
	if wp == nil {
		return nil
	}
	defer f.waiting.remove(pod.UID)
	select {
	case st := <-wp.done:
		return st
	case <-ctx.Done():
		return framework.AsStatus(ctx.Err())
	}
}

// WaitingPod returns a pod waiting at Permit, for plugins to Allow or Reject.
func (f *Framework) WaitingPod(uid meta.UID) *WaitingPod { return f.waiting.get(uid) }

// RunPreBindPlugins runs PreBind plugins.
func (f *Framework) RunPreBindPlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod, node string) *framework.Status {
	for _, pl := range f.preBind {
		if st := pl.PreBind(ctx, state, pod, node); !st.IsSuccess() {
			if st.IsRejected() {
				return st.WithPlugin(pl.Name())
			}
			return framework.AsStatus(fmt.Errorf("running PreBind plugin %q: %w", pl.Name(), st.AsError())).WithPlugin(pl.Name())
		}
	}
	return nil
}

// RunBindPlugins runs Bind plugins until one binds (does not Skip).
func (f *Framework) RunBindPlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod, node string) *framework.Status {
	for _, pl := range f.bind {
		start := f.opts.Clock.Now()
		st := pl.Bind(ctx, state, pod, node)
		f.observe(Bind, pl.Name(), st, start)
		if st.IsSkip() {
			continue
		}
		if !st.IsSuccess() {
			if st.IsRejected() {
				return st.WithPlugin(pl.Name())
			}
			return framework.AsStatus(fmt.Errorf("binding rejected: %w", st.AsError())).WithPlugin(pl.Name())
		}
		return nil
	}
	return framework.NewStatus(framework.Skip)
}

// RunPostBindPlugins tells PostBind plugins of a binding.
func (f *Framework) RunPostBindPlugins(ctx context.Context, state *framework.CycleState, pod *core.Pod, node string) {
	for _, pl := range f.postBind {
		pl.PostBind(ctx, state, pod, node)
	}
}

// RunPreFilterExtensionAddPod tells every PreFilter plugin with extensions that a pod is added to
// a node, in a simulation.
func (f *Framework) RunPreFilterExtensionAddPod(ctx context.Context, state *framework.CycleState, pod *core.Pod, add *framework.PodInfo, ni *framework.NodeInfo) *framework.Status {
	for _, pl := range f.preFilter {
		if state.SkipFilterPlugins[pl.Name()] {
			continue
		}
		if ext := pl.PreFilterExtensions(); ext != nil {
			if st := ext.AddPod(ctx, state, pod, add, ni); !st.IsSuccess() {
				return framework.AsStatus(fmt.Errorf("running AddPod on PreFilter plugin %q: %w", pl.Name(), st.AsError()))
			}
		}
	}
	return nil
}

// RunPreFilterExtensionRemovePod tells every PreFilter plugin with extensions that a pod is
// removed from a node, in a simulation.
func (f *Framework) RunPreFilterExtensionRemovePod(ctx context.Context, state *framework.CycleState, pod *core.Pod, rm *framework.PodInfo, ni *framework.NodeInfo) *framework.Status {
	for _, pl := range f.preFilter {
		if state.SkipFilterPlugins[pl.Name()] {
			continue
		}
		if ext := pl.PreFilterExtensions(); ext != nil {
			if st := ext.RemovePod(ctx, state, pod, rm, ni); !st.IsSuccess() {
				return framework.AsStatus(fmt.Errorf("running RemovePod on PreFilter plugin %q: %w", pl.Name(), st.AsError()))
			}
		}
	}
	return nil
}

var _ framework.PluginsRunner = (*Framework)(nil)

// QueueSortName names the profile's QueueSort plugin.
func (f *Framework) QueueSortName() string { return f.queueSort.Name() }
