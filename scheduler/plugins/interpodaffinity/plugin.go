package interpodaffinity

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
)

// Name is the plugin's name in the registry and in configurations.
const Name = "InterPodAffinity"

// The reasons Filter gives, as Kubernetes words them.
const (
	ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules"
	ErrReasonAffinityRulesNotMatch             = "node(s) didn't match pod affinity rules"
	ErrReasonAntiAffinityRulesNotMatch         = "node(s) didn't match pod anti-affinity rules"
)

// The bounds and default of Args.HardPodAffinityWeight.
const (
	DefaultHardPodAffinityWeight int32 = 1
	MinHardPodAffinityWeight     int32 = 0
	MaxHardPodAffinityWeight     int32 = 100
)

// Args are the plugin's arguments, with the JSON names of Kubernetes' InterPodAffinityArgs
// (kubescheduler.config.k8s.io/v1).
type Args struct {
	meta.TypeMeta `json:",inline"`
	// HardPodAffinityWeight is the score weight of a running pod's required affinity term that
	// the pod matches (0 to 100; 1 when unset).
	HardPodAffinityWeight *int32 `json:"hardPodAffinityWeight,omitempty"`
	// IgnorePreferredTermsOfExistingPods skips scoring for pods without preferred terms of their
	// own, ignoring the running pods' terms.
	IgnorePreferredTermsOfExistingPods bool `json:"ignorePreferredTermsOfExistingPods,omitempty"`
}

// NamespaceLister gives namespaces' labels, for terms with a namespaceSelector.
type NamespaceLister interface {
	// NamespaceLabels returns the labels of a namespace, which the caller does not change; false
	// when there is no such namespace.
	NamespaceLabels(name string) (map[string]string, bool)
	// SelectNamespaces returns the names of the namespaces whose labels sel matches.
	SelectNamespaces(sel labels.Selector) ([]string, error)
}

// Options are what Kubernetes' plugin reads from informers, which a Handle does not offer.
type Options struct {
	// Namespaces gives namespaces' labels; nil means no namespace has labels, so that only
	// empty namespace selectors select anything.
	Namespaces NamespaceLister
}

// InterPodAffinity is the plugin. It is safe for concurrent use.
type InterPodAffinity struct {
	handle                  framework.Handle
	parallelizer            framework.Parallelizer
	hardPodAffinityWeight   int32
	ignorePreferredOfOthers bool
	namespaces              NamespaceLister
	counts                  podcount.Cache
}

var (
	_ framework.PreFilterPlugin     = (*InterPodAffinity)(nil)
	_ framework.PreFilterExtensions = (*InterPodAffinity)(nil)
	_ framework.FilterPlugin        = (*InterPodAffinity)(nil)
	_ framework.PreScorePlugin      = (*InterPodAffinity)(nil)
	_ framework.ScorePlugin         = (*InterPodAffinity)(nil)
	_ framework.ScoreExtensions     = (*InterPodAffinity)(nil)
	_ framework.EnqueueExtensions   = (*InterPodAffinity)(nil)
)

// New is the plugin's factory, without Options.
func New(ctx context.Context, args json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	return NewWithOptions(Options{})(ctx, args, h)
}

// NewWithOptions returns a factory of plugins that read namespaces through opts.
func NewWithOptions(opts Options) framework.PluginFactory {
	return func(_ context.Context, raw json.RawMessage, h framework.Handle) (framework.Plugin, error) {
		if h == nil || h.SnapshotSharedLister() == nil {
			return nil, fmt.Errorf("%s: the handle has no snapshot lister", Name)
		}
		var args Args
		if err := framework.DecodeArgs(raw, &args); err != nil {
			return nil, fmt.Errorf("%s: %w", Name, err)
		}
		if err := ValidateArgs(&args); err != nil {
			return nil, fmt.Errorf("%s: %w", Name, err)
		}
		pl := &InterPodAffinity{
			handle:                  h,
			parallelizer:            h.Parallelizer(),
			hardPodAffinityWeight:   DefaultHardPodAffinityWeight,
			ignorePreferredOfOthers: args.IgnorePreferredTermsOfExistingPods,
			namespaces:              opts.Namespaces,
		}
		if args.HardPodAffinityWeight != nil {
			pl.hardPodAffinityWeight = *args.HardPodAffinityWeight
		}
		if pl.parallelizer == nil {
			pl.parallelizer = framework.NewParallelizer(0)
		}
		return pl, nil
	}
}

// ValidateArgs checks args as Kubernetes' ValidateInterPodAffinityArgs does.
func ValidateArgs(args *Args) error {
	var errs field.ErrorList
	if k := args.Kind; k != "" && k != "InterPodAffinityArgs" {
		errs = append(errs, field.Invalid(field.NewPath("kind"), k, "must be InterPodAffinityArgs"))
	}
	if w := args.HardPodAffinityWeight; w != nil && (*w < MinHardPodAffinityWeight || *w > MaxHardPodAffinityWeight) {
		errs = append(errs, field.Invalid(field.NewPath("hardPodAffinityWeight"), *w,
			fmt.Sprintf("not in valid range [%d, %d]", MinHardPodAffinityWeight, MaxHardPodAffinityWeight)))
	}
	return errs.ToAggregate()
}

// Name returns Name.
func (pl *InterPodAffinity) Name() string { return Name }

// EventsToRegister returns Kubernetes' events (with queueing hints enabled): a pod added,
// relabeled or deleted, and a node added or relabeled.
func (pl *InterPodAffinity) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.Add | framework.UpdatePodLabel | framework.Delete},
			QueueingHintFn: pl.isSchedulableAfterPodChange},
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeLabel},
			QueueingHintFn: pl.isSchedulableAfterNodeChange},
	}, nil
}

// isSchedulableAfterPodChange says whether a bound pod's change can make pod schedulable: a pod
// now matching all its affinity terms, a pod no longer (or, deleted, never again) matching one
// of its anti-affinity terms, the deletion of a pod whose required anti-affinity rejected it,
// and the deletion of its last affinity peer when it matches its own terms (it may then go
// anywhere as the first of its group).
func (pl *InterPodAffinity) isSchedulableAfterPodChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	oldPod, newPod, err := asPair[*core.Pod](oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	if (newPod != nil && newPod.Spec.NodeName == "") || (oldPod != nil && oldPod.Spec.NodeName == "") {
		return framework.QueueSkip, nil
	}
	affinity, anti, err := parseRequired(pod)
	if err != nil {
		return framework.Queue, err
	}
	// The pod's terms are not merged with the namespaces their selectors pick, so the other
	// pod's namespace labels are needed to match them.
	var oldNS, newNS labels.Set
	if oldPod != nil {
		oldNS = pl.namespaceLabels(oldPod.Namespace)
	}
	if newPod != nil {
		newNS = pl.namespaceLabels(newPod.Namespace)
	}
	switch {
	case oldPod != nil && newPod != nil:
		if (!matchesAll(affinity, oldPod, oldNS) && matchesAll(affinity, newPod, newNS)) ||
			(matchesAny(anti, oldPod, oldNS) && !matchesAny(anti, newPod, newNS)) {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	case newPod != nil:
		if matchesAll(affinity, newPod, newNS) {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	case oldPod != nil:
		if matchesAny(anti, oldPod, oldNS) || (matchesAll(affinity, oldPod, oldNS) && matchesAll(affinity, pod, pl.namespaceLabels(pod.Namespace))) {
			return framework.Queue, nil
		}
		// The deleted pod's own anti-affinity may have kept pod away.
		if _, deletedAnti, err := parseRequired(oldPod); err == nil && matchesAny(deletedAnti, pod, pl.namespaceLabels(pod.Namespace)) {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	}
	return framework.Queue, nil
}

// isSchedulableAfterNodeChange says whether a node's addition or relabeling can make pod
// schedulable: a node with (or newly in another domain of) an affinity term's topology key; any
// new node, or one leaving or changing an anti-affinity term's domain, for a pod with
// anti-affinity; and, for a pod without required terms of its own (which only running pods'
// anti-affinity can have rejected), any new node and any relabeling.
func (pl *InterPodAffinity) isSchedulableAfterNodeChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	oldNode, newNode, err := asPair[*core.Node](oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	if newNode == nil {
		return framework.QueueSkip, nil
	}
	affinity, anti, err := parseRequired(pod)
	if err != nil {
		return framework.Queue, err
	}
	if len(affinity) == 0 && len(anti) == 0 {
		if oldNode == nil || !labelsEqual(oldNode.Labels, newNode.Labels) {
			return framework.Queue, nil
		}
		return framework.QueueSkip, nil
	}
	for i := range affinity {
		key := affinity[i].TopologyKey
		newValue, newHas := newNode.Labels[key]
		if oldNode == nil {
			if newHas {
				return framework.Queue, nil
			}
			continue
		}
		oldValue, oldHas := oldNode.Labels[key]
		if newHas && (!oldHas || oldValue != newValue) {
			return framework.Queue, nil
		}
	}
	for i := range anti {
		if oldNode == nil {
			// A node without the key always takes the pod as far as anti-affinity goes, and
			// one with it may be in a free domain.
			return framework.Queue, nil
		}
		key := anti[i].TopologyKey
		oldValue, oldHas := oldNode.Labels[key]
		newValue, newHas := newNode.Labels[key]
		if oldHas && (!newHas || oldValue != newValue) {
			return framework.Queue, nil
		}
	}
	return framework.QueueSkip, nil
}

// namespaceLabels returns the labels of a namespace, nil when unknown.
func (pl *InterPodAffinity) namespaceLabels(ns string) labels.Set {
	if pl.namespaces == nil {
		return nil
	}
	l, ok := pl.namespaces.NamespaceLabels(ns)
	if !ok {
		return nil
	}
	return labels.Set(l)
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

func labelsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
