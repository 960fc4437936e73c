package defaulttolerationseconds

import (
	"context"
	"fmt"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
)

// PluginName is the plugin's name, as --enable-admission-plugins spells it.
const PluginName = "DefaultTolerationSeconds"

// The taints the node lifecycle controller puts on nodes that are not ready or do not answer.
const (
	TaintNodeNotReady    = "node.kubernetes.io/not-ready"
	TaintNodeUnreachable = "node.kubernetes.io/unreachable"
)

// DefaultSeconds is how long pods tolerate each taint unless Options say otherwise, as Kubernetes'
// --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds default.
const DefaultSeconds int64 = 300

// Options configure the plugin.
type Options struct {
	// NotReadySeconds bounds the not-ready toleration; DefaultSeconds when nil.
	NotReadySeconds *int64
	// UnreachableSeconds bounds the unreachable toleration; DefaultSeconds when nil.
	UnreachableSeconds *int64
}

// Plugin adds the default tolerations. It is safe for concurrent use.
type Plugin struct {
	notReady, unreachable int64
}

// New returns the plugin.
func New(opts Options) *Plugin {
	p := &Plugin{notReady: DefaultSeconds, unreachable: DefaultSeconds}
	if opts.NotReadySeconds != nil {
		p.notReady = *opts.NotReadySeconds
	}
	if opts.UnreachableSeconds != nil {
		p.unreachable = *opts.UnreachableSeconds
	}
	return p
}

var _ admission.Mutator = (*Plugin)(nil)

// Name returns PluginName.
func (p *Plugin) Name() string { return PluginName }

// Handles creates and updates, as in Kubernetes: pod validation lets an update add tolerations.
func (p *Plugin) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Admit appends the tolerations the pod lacks. A toleration with an empty key or an empty effect
// already covers a taint, as the scheduler and the taint manager match them.
func (p *Plugin) Admit(_ context.Context, a *admission.Attributes) error {
	if a.Group != core.GroupName || a.Resource != "pods" || a.Subresource != "" {
		return nil
	}
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return apierrors.NewBadRequest(fmt.Sprintf("expected *api.Pod but got %T", a.Object))
	}
	notReady, unreachable := false, false
	for _, t := range pod.Spec.Tolerations {
		anyEffect := t.Effect == "" || t.Effect == core.TaintEffectNoExecute
		if anyEffect && (t.Key == "" || t.Key == TaintNodeNotReady) {
			notReady = true
		}
		if anyEffect && (t.Key == "" || t.Key == TaintNodeUnreachable) {
			unreachable = true
		}
	}
	if !notReady {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, toleration(TaintNodeNotReady, p.notReady))
	}
	if !unreachable {
		pod.Spec.Tolerations = append(pod.Spec.Tolerations, toleration(TaintNodeUnreachable, p.unreachable))
	}
	return nil
}

func toleration(key string, seconds int64) core.Toleration {
	return core.Toleration{Key: key, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute, TolerationSeconds: &seconds}
}
