package podtopologyspread

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
)

// Name is the plugin's name in the registry and in configurations.
const Name = "PodTopologySpread"

// The reasons Filter gives, as Kubernetes words them.
const (
	ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints"
	ErrReasonNodeLabelNotMatch   = ErrReasonConstraintsNotMatch + " (missing required label)"
)

// The well-known topology labels the system default constraints use.
const (
	LabelHostname     = "kubernetes.io/hostname"
	LabelTopologyZone = "topology.kubernetes.io/zone"
)

// DefaultingType says where the default constraints come from.
type DefaultingType string

// The defaulting types.
const (
	// SystemDefaulting uses Kubernetes' built-in constraints; Args.DefaultConstraints must be
	// empty.
	SystemDefaulting DefaultingType = "System"
	// ListDefaulting uses Args.DefaultConstraints (none when empty).
	ListDefaulting DefaultingType = "List"
)

// Args are the plugin's arguments, with the JSON names of Kubernetes' PodTopologySpreadArgs
// (kubescheduler.config.k8s.io/v1).
type Args struct {
	meta.TypeMeta `json:",inline"`
	// DefaultConstraints apply to pods without constraints of their own, selecting their
	// siblings through the workloads they belong to; they must not set labelSelector.
	DefaultConstraints []core.TopologySpreadConstraint `json:"defaultConstraints,omitempty"`
	// DefaultingType is System (the default) or List.
	DefaultingType DefaultingType `json:"defaultingType,omitempty"`
}

// systemDefaultConstraints are Kubernetes' built-in default constraints.
var systemDefaultConstraints = []core.TopologySpreadConstraint{
	{TopologyKey: LabelHostname, WhenUnsatisfiable: core.ScheduleAnyway, MaxSkew: 3},
	{TopologyKey: LabelTopologyZone, WhenUnsatisfiable: core.ScheduleAnyway, MaxSkew: 5},
}

// ControllerLister looks up the selectors of the controllers the default constraints understand.
type ControllerLister interface {
	// ControllerSelector returns the selector of the object ref names in namespace: a
	// ReplicationController's spec.selector (as matchLabels), or a ReplicaSet's or a
	// StatefulSet's spec.selector; false when there is no such object. It is only asked about
	// those three kinds.
	ControllerSelector(namespace string, ref *meta.OwnerReference) (*meta.LabelSelector, bool)
}

// ServiceLister looks up the Services that select a pod.
type ServiceLister interface {
	// ServiceSelectors returns spec.selector of every Service in pod's namespace that selects
	// pod.
	ServiceSelectors(pod *core.Pod) []map[string]string
}

// Options are what Kubernetes' plugin reads from informers, which a Handle does not offer: the
// workloads a pod belongs to, for the default constraints. Both are optional; see Controllers.
type Options struct {
	// Controllers gives the selectors of ReplicaSets, StatefulSets and ReplicationControllers.
	// When nil, a pod controlled by one of them is spread with the pods controlled by the same
	// owner UID instead of with the pods its controller's selector matches; the two differ only
	// for pods matching several controllers' selectors, which controllers refuse to share.
	Controllers ControllerLister
	// Services gives the selectors of the Services that select a pod; nil means none do.
	Services ServiceLister
}

// PodTopologySpread is the plugin. It is safe for concurrent use.
type PodTopologySpread struct {
	handle             framework.Handle
	parallelizer       framework.Parallelizer
	defaultConstraints []core.TopologySpreadConstraint
	// systemDefaulted is set when defaultConstraints are Kubernetes' own: scoring then lets
	// nodes without a zone label form a zone of their own rather than ignoring them.
	systemDefaulted bool
	opts            Options
	counts          podcount.Cache
}

var (
	_ framework.PreFilterPlugin     = (*PodTopologySpread)(nil)
	_ framework.PreFilterExtensions = (*PodTopologySpread)(nil)
	_ framework.FilterPlugin        = (*PodTopologySpread)(nil)
	_ framework.PreScorePlugin      = (*PodTopologySpread)(nil)
	_ framework.ScorePlugin         = (*PodTopologySpread)(nil)
	_ framework.ScoreExtensions     = (*PodTopologySpread)(nil)
	_ framework.EnqueueExtensions   = (*PodTopologySpread)(nil)
)

// New is the plugin's factory, without Options.
func New(ctx context.Context, args json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	return NewWithOptions(Options{})(ctx, args, h)
}

// NewWithOptions returns a factory of plugins that look workloads up through opts.
func NewWithOptions(opts Options) framework.PluginFactory {
	return func(_ context.Context, raw json.RawMessage, h framework.Handle) (framework.Plugin, error) {
		if h == nil || h.SnapshotSharedLister() == nil {
			return nil, fmt.Errorf("%s: the handle has no snapshot lister", Name)
		}
		var args Args
		if err := framework.DecodeArgs(raw, &args); err != nil {
			return nil, fmt.Errorf("%s: %w", Name, err)
		}
		if args.DefaultingType == "" {
			args.DefaultingType = SystemDefaulting
		}
		if err := ValidateArgs(&args); err != nil {
			return nil, fmt.Errorf("%s: %w", Name, err)
		}
		pl := &PodTopologySpread{
			handle:             h,
			parallelizer:       h.Parallelizer(),
			defaultConstraints: args.DefaultConstraints,
			opts:               opts,
		}
		if pl.parallelizer == nil {
			pl.parallelizer = framework.NewParallelizer(0)
		}
		if args.DefaultingType == SystemDefaulting {
			pl.defaultConstraints = systemDefaultConstraints
			pl.systemDefaulted = true
		}
		return pl, nil
	}
}

// ValidateArgs checks args (after defaulting) as Kubernetes' ValidatePodTopologySpreadArgs does.
func ValidateArgs(args *Args) error {
	var errs field.ErrorList
	if k := args.Kind; k != "" && k != "PodTopologySpreadArgs" {
		errs = append(errs, field.Invalid(field.NewPath("kind"), k, "must be PodTopologySpreadArgs"))
	}
	dt := field.NewPath("defaultingType")
	switch args.DefaultingType {
	case SystemDefaulting:
		if len(args.DefaultConstraints) > 0 {
			errs = append(errs, field.Invalid(dt, args.DefaultingType, "when .defaultConstraints are not empty"))
		}
	case ListDefaulting:
	default:
		errs = append(errs, field.NotSupported(dt, args.DefaultingType, []DefaultingType{SystemDefaulting, ListDefaulting}))
	}
	path := field.NewPath("defaultConstraints")
	for i, c := range args.DefaultConstraints {
		p := path.Index(i)
		if c.MaxSkew <= 0 {
			errs = append(errs, field.Invalid(p.Child("maxSkew"), c.MaxSkew, "not in valid range (0, inf)"))
		}
		if c.TopologyKey == "" {
			errs = append(errs, field.Required(p.Child("topologyKey"), "can not be empty"))
		} else if msgs := validation.IsQualifiedName(c.TopologyKey); len(msgs) > 0 {
			for _, m := range msgs {
				errs = append(errs, field.Invalid(p.Child("topologyKey"), c.TopologyKey, m))
			}
		}
		if c.WhenUnsatisfiable != core.DoNotSchedule && c.WhenUnsatisfiable != core.ScheduleAnyway {
			errs = append(errs, field.NotSupported(p.Child("whenUnsatisfiable"), c.WhenUnsatisfiable,
				[]core.UnsatisfiableConstraintAction{core.DoNotSchedule, core.ScheduleAnyway}))
		}
		if c.LabelSelector != nil {
			errs = append(errs, field.Forbidden(p.Child("labelSelector"), "constraint must not define a selector, as they deduced for each pod"))
		}
		for j := range i {
			if o := args.DefaultConstraints[j]; o.TopologyKey == c.TopologyKey && o.WhenUnsatisfiable == c.WhenUnsatisfiable {
				errs = append(errs, field.Duplicate(p, fmt.Sprintf("{%v, %v}", c.TopologyKey, c.WhenUnsatisfiable)))
				break
			}
		}
	}
	return errs.ToAggregate()
}

// Name returns Name.
func (pl *PodTopologySpread) Name() string { return Name }

// EventsToRegister returns Kubernetes' events (with queueing hints enabled): a pod added, deleted,
// relabeled, or (for the pod itself, under nodeTaintsPolicy Honor) given tolerations; a node
// added, deleted, relabeled or retainted.
func (pl *PodTopologySpread) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.Add | framework.UpdatePodLabel | framework.UpdatePodTolerations | framework.Delete},
			QueueingHintFn: pl.isSchedulableAfterPodChange},
		// Kubernetes registers UpdateNodeTaint too, because a node added while not ready may
		// only become interesting once its taints change.
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.Delete | framework.UpdateNodeLabel | framework.UpdateNodeTaint},
			QueueingHintFn: pl.isSchedulableAfterNodeChange},
	}, nil
}

// involved reports whether a change to other can change where pod may go: other is pod itself,
// or a bound pod of its namespace.
func involved(other, pod *core.Pod) bool {
	return other.UID == pod.UID || (other.Spec.NodeName != "" && other.Namespace == pod.Namespace)
}

func (pl *PodTopologySpread) isSchedulableAfterPodChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	oldPod, newPod, err := asPair[*core.Pod](oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	if (newPod != nil && !involved(newPod, pod)) || (oldPod != nil && !involved(oldPod, pod)) {
		return framework.QueueSkip, nil
	}
	constraints, err := pl.getConstraints(pod, core.DoNotSchedule)
	if err != nil {
		return framework.Queue, err
	}
	switch {
	case oldPod != nil && newPod != nil:
		if newPod.UID == pod.UID && hasTaintsPolicyHonor(constraints) && !tolerationsEqual(oldPod.Spec.Tolerations, newPod.Spec.Tolerations) {
			return framework.Queue, nil
		}
		for i := range constraints {
			if constraints[i].matches(oldPod) != constraints[i].matches(newPod) {
				return framework.Queue, nil
			}
		}
		return framework.QueueSkip, nil
	case newPod != nil:
		if anyConstraintMatches(constraints, newPod) {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	case oldPod != nil:
		if anyConstraintMatches(constraints, oldPod) {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	}
	return framework.Queue, nil
}

func (pl *PodTopologySpread) isSchedulableAfterNodeChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	oldNode, newNode, err := asPair[*core.Node](oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	constraints, err := pl.getConstraints(pod, core.DoNotSchedule)
	if err != nil {
		return framework.Queue, err
	}
	var oldMatching, newMatching bool
	if oldNode != nil {
		oldMatching = nodeHasAllKeys(oldNode.Labels, constraints)
	}
	if newNode != nil {
		newMatching = nodeHasAllKeys(newNode.Labels, constraints)
	}
	switch {
	case oldNode != nil && newNode != nil:
		// A node that enters or leaves the constraints' domains, moves between domains, or
		// changes taints (which nodeTaintsPolicy may count) may change the skews.
		if oldMatching != newMatching {
			return framework.Queue, nil
		}
		if newMatching && (topologyKeysChanged(oldNode.Labels, newNode.Labels, constraints) || !taintsEqual(oldNode.Spec.Taints, newNode.Spec.Taints)) {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	case newNode != nil:
		if newMatching {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	case oldNode != nil:
		if oldMatching {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	}
	return framework.Queue, nil
}

// asPair converts an event's objects, either of which may be absent (nil).
func asPair[T meta.Object](oldObj, newObj meta.Object) (oldT, newT T, err error) {
	if oldT, err = as[T](oldObj); err != nil {
		return oldT, newT, err
	}
	newT, err = as[T](newObj)
	return oldT, newT, err
}

func as[T meta.Object](o meta.Object) (T, error) {
	var zero T
	if o == nil {
		return zero, nil
	}
	t, ok := o.(T)
	if !ok {
		return zero, fmt.Errorf("%s: unexpected object of type %T, want %T", Name, o, zero)
	}
	return t, nil
}

func anyConstraintMatches(constraints []constraint, p *core.Pod) bool {
	for i := range constraints {
		if constraints[i].matches(p) {
			return true
		}
	}
	return false
}

func hasTaintsPolicyHonor(constraints []constraint) bool {
	for i := range constraints {
		if constraints[i].honorTaints {
			return true
		}
	}
	return false
}

func topologyKeysChanged(a, b map[string]string, constraints []constraint) bool {
	for i := range constraints {
		k := constraints[i].topologyKey
		if a[k] != b[k] {
			return true
		}
	}
	return false
}

func tolerationsEqual(a, b []core.Toleration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Key != y.Key || x.Operator != y.Operator || x.Value != y.Value || x.Effect != y.Effect ||
			(x.TolerationSeconds == nil) != (y.TolerationSeconds == nil) ||
			(x.TolerationSeconds != nil && *x.TolerationSeconds != *y.TolerationSeconds) {
			return false
		}
	}
	return true
}

// taintsEqual compares what scheduling reads of taints; the time a taint was added is not part of
// it.
func taintsEqual(a, b []core.Taint) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Value != b[i].Value || a[i].Effect != b[i].Effect {
			return false
		}
	}
	return true
}

// labelsOf is the pod's labels as a labels.Labels, without copying.
func labelsOf(p *core.Pod) labels.Set { return labels.Set(p.Labels) }

// ControllerListerFunc is a function as a ControllerLister.
type ControllerListerFunc func(namespace string, ref *meta.OwnerReference) (*meta.LabelSelector, bool)

// ControllerSelector calls f.
func (f ControllerListerFunc) ControllerSelector(namespace string, ref *meta.OwnerReference) (*meta.LabelSelector, bool) {
	return f(namespace, ref)
}

// ServiceListerFunc is a function as a ServiceLister.
type ServiceListerFunc func(pod *core.Pod) []map[string]string

// ServiceSelectors calls f.
func (f ServiceListerFunc) ServiceSelectors(pod *core.Pod) []map[string]string { return f(pod) }

var (
	_ ControllerLister = ControllerListerFunc(nil)
	_ ServiceLister    = ServiceListerFunc(nil)
)
