package resourcequota

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// PluginName is the plugin's name, as --enable-admission-plugins spells it.
const PluginName = "ResourceQuota"

// Options configure the plugin and Recalculate.
type Options struct {
	// Clock tells when a deleted pod's grace period is over; the real clock when nil.
	Clock clock.PassiveClock
	// Logger receives the failures of undoing a charge.
	Logger logr.Logger
	// Kinds resolves count/<resource>.<group> to the resource's store keys for Recalculate;
	// api.Builtin() when nil.
	Kinds *api.Registry
	// IgnoredResources are never charged; Kubernetes' default, events, when nil.
	IgnoredResources []api.GroupResource
}

func (o *Options) setDefaults() {
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.Logger.GetSink() == nil {
		o.Logger = logr.Discard()
	}
	if o.Kinds == nil {
		o.Kinds = api.Builtin()
	}
	if o.IgnoredResources == nil {
		o.IgnoredResources = []api.GroupResource{{Group: "", Resource: "events"}}
	}
}

// Plugin charges new objects to the ResourceQuotas of their namespace. It is safe for concurrent use.
type Plugin struct {
	st      store.Store
	opts    Options
	ignored map[api.GroupResource]bool
}

// New returns the plugin, which reads and updates ResourceQuotas in st.
func New(st store.Store, opts Options) *Plugin {
	opts.setDefaults()
	p := &Plugin{st: st, opts: opts, ignored: map[api.GroupResource]bool{}}
	for _, gr := range opts.IgnoredResources {
		p.ignored[gr] = true
	}
	return p
}

var _ admission.Validator = (*Plugin)(nil)

// Name returns PluginName.
func (p *Plugin) Name() string { return PluginName }

// Handles creates and updates; deletes release usage through the quota controller (Recalculate).
func (p *Plugin) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// charge is what one request adds to one quota.
type charge struct {
	quota     string
	requested core.ResourceList
}

// Validate charges the object to every quota of its namespace that covers it, or refuses it with
// the Forbidden Kubernetes answers (`exceeded quota: q, requested: pods=1, used: pods=10, limited:
// pods=10`) when one of them would go over its hard limits. Each charge is a compare-and-swap on the
// quota's status (store.GuaranteedUpdate) that checks the limits against the quota as it is at that
// moment, so concurrent requests can never together exceed a quota. When a later quota refuses, the
// charges already made are taken back. A dry run is checked but not charged.
//
// As in Kubernetes, a charge is made before the object is stored; if storing then fails, the
// quota stays charged until Recalculate corrects it.
func (p *Plugin) Validate(ctx context.Context, a *admission.Attributes) error {
	if a.Namespace == "" || (a.Subresource != "" && a.Subresource != "resize") || a.Object == nil {
		return nil
	}
	if p.ignored[api.GroupResource{Group: a.Group, Resource: a.Resource}] {
		return nil
	}
	ev := evaluatorFor(a.Group, a.Resource, p.opts.Clock)
	if !ev.handles(a) {
		return nil
	}
	quotas, _, err := store.ListAs[*core.ResourceQuota](ctx, p.st, store.Prefix("resourcequotas", a.Namespace), store.ListOptions{})
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("resourcequota: listing quotas of %s: %w", a.Namespace, err))
	}
	if len(quotas) == 0 {
		return nil
	}
	req, err := p.newRequest(a, ev)
	if err != nil {
		return err
	}
	// First check every quota as listed, so that a request bound to fail charges nothing: what the
	// object must state for each quota, then whether it fits, in Kubernetes' order.
	for _, q := range quotas {
		if _, err := req.check(q); err != nil {
			return err
		}
	}
	var charges []charge
	for _, q := range quotas {
		c, _, err := req.apply(q)
		if err != nil {
			return err
		}
		if c != nil {
			charges = append(charges, *c)
		}
	}
	if len(charges) == 0 || a.DryRun {
		return nil
	}
	var done []charge
	for _, c := range charges {
		made, err := p.chargeQuota(ctx, req, c.quota)
		if err != nil {
			p.undo(ctx, a.Namespace, done)
			return err
		}
		if made != nil {
			done = append(done, *made)
		}
	}
	return nil
}

// chargeQuota charges one quota, rechecking it as it is now, and returns what was charged.
func (p *Plugin) chargeQuota(ctx context.Context, req *request, name string) (*charge, error) {
	var made *charge
	key := store.Key("resourcequotas", req.a.Namespace, name)
	_, err := p.st.GuaranteedUpdate(ctx, key, nil, func(cur meta.Object) (meta.Object, error) {
		q, ok := cur.(*core.ResourceQuota)
		if !ok {
			return nil, fmt.Errorf("resourcequota: %s holds a %T", key, cur)
		}
		c, used, err := req.apply(q)
		if err != nil || c == nil {
			made = nil
			return cur, err
		}
		made = c
		next := q.DeepCopy()
		next.Status.Used = used
		return next, nil
	})
	switch {
	case store.IsNotFound(err):
		// The quota was deleted since it was listed: it limits nothing any more.
		return nil, nil
	case err != nil:
		var st *meta.Status
		if errors.As(err, &st) {
			return nil, err
		}
		return nil, apierrors.NewInternalError(fmt.Errorf("resourcequota: charging quota %s: %w", name, err))
	}
	return made, nil
}

// undo takes back charges after a later quota refused the request. It runs to the end even if the
// request's context ends, since an undo left half done would hold quota nothing uses.
func (p *Plugin) undo(ctx context.Context, namespace string, charges []charge) {
	ctx = context.WithoutCancel(ctx)
	for _, c := range charges {
		key := store.Key("resourcequotas", namespace, c.quota)
		_, err := p.st.GuaranteedUpdate(ctx, key, nil, func(cur meta.Object) (meta.Object, error) {
			q, ok := cur.(*core.ResourceQuota)
			if !ok {
				return nil, fmt.Errorf("resourcequota: %s holds a %T", key, cur)
			}
			next := q.DeepCopy()
			next.Status.Used = subtractNonNegative(q.Status.Used, c.requested)
			return next, nil
		})
		if err != nil && !store.IsNotFound(err) {
			p.opts.Logger.Error(err, "Undoing a quota charge failed; Recalculate will correct it", "quota", key)
		}
	}
}

// request is one admission request, measured once and applied to each quota.
type request struct {
	a  *admission.Attributes
	ev evaluator
	// usage is what the object uses; oldUsage what the object it replaces used, nil on create.
	usage, oldUsage core.ResourceList
}

func (p *Plugin) newRequest(a *admission.Attributes, ev evaluator) (*request, error) {
	r := &request{a: a, ev: ev}
	var err error
	if r.usage, err = ev.usage(a.Object); err != nil {
		return nil, apierrors.NewInternalError(fmt.Errorf("resourcequota: measuring %s: %w", a.Resource, err))
	}
	if neg := negative(r.usage); len(neg) > 0 {
		return nil, forbidden(a, fmt.Errorf("quota usage is negative for resource(s): %s", joinNames(neg)))
	}
	if a.Operation == admission.Update {
		if a.OldObject == nil {
			return nil, forbidden(a, errors.New("unable to get previous usage since prior version of object was not found"))
		}
		// An update of an object that was never stored (create on update) is charged in full.
		if a.OldObject.GetObjectMeta().ResourceVersion != "" {
			if r.oldUsage, err = ev.usage(a.OldObject); err != nil {
				return nil, apierrors.NewInternalError(fmt.Errorf("resourcequota: measuring %s: %w", a.Resource, err))
			}
		}
	}
	return r, nil
}

// apply works out what the request adds to quota q as it stands. It returns nil and q's usage
// unchanged when q does not cover the object or nothing it tracks changes, an error when q
// refuses the object, and otherwise the charge and q's new status.used.
func (r *request) apply(q *core.ResourceQuota) (*charge, core.ResourceList, error) {
	covered, err := r.check(q)
	if err != nil || !covered {
		return nil, q.Status.Used, err
	}
	delta := r.usage
	if r.oldUsage != nil {
		// Charge only the growth, unless the old object was outside this quota.
		oldCovered, err := r.covers(q, r.a.OldObject)
		if err != nil {
			return nil, nil, err
		}
		if oldCovered {
			delta = subtractNonNegative(r.usage, r.oldUsage)
		}
	}
	requested := removeZeros(mask(delta, names(q.Status.Hard)))
	if len(requested) == 0 {
		return nil, q.Status.Used, nil
	}
	used := sum(q.Status.Used, requested)
	if over := exceeded(mask(used, names(requested)), q.Status.Hard); len(over) > 0 {
		return nil, nil, forbidden(r.a, fmt.Errorf("exceeded quota: %s, requested: %s, used: %s, limited: %s",
			q.Name, prettyPrint(mask(requested, over)), prettyPrint(mask(q.Status.Used, over)), prettyPrint(mask(q.Status.Hard, over))))
	}
	return &charge{quota: q.Name, requested: requested}, used, nil
}

// check reports whether q covers the object, and refuses an object that does not state what q
// needs to count it, or that q cannot count yet because its status lacks a tracked resource.
func (r *request) check(q *core.ResourceQuota) (bool, error) {
	covered, err := r.covers(q, r.a.Object)
	if err != nil || !covered {
		return false, err
	}
	tracked := r.ev.matchingResources(names(q.Status.Hard))
	if err := r.ev.constraints(tracked, r.a.Object); err != nil {
		return false, forbidden(r.a, fmt.Errorf("failed quota: %s: %v", q.Name, err))
	}
	for _, n := range tracked {
		if _, ok := q.Status.Used[n]; !ok {
			return false, forbidden(r.a, fmt.Errorf("status unknown for quota: %s, resources: %s", q.Name, joinNames(tracked)))
		}
	}
	return true, nil
}

// covers reports whether q tracks something obj uses and obj is within all of q's scopes. Like
// Kubernetes, it reads q's status.hard, which the quota controller copies from spec.hard: a quota
// the controller has not seen yet limits nothing.
func (r *request) covers(q *core.ResourceQuota, obj meta.Object) (bool, error) {
	if len(r.ev.matchingResources(names(q.Status.Hard))) == 0 {
		return false, nil
	}
	for _, sel := range scopeSelectors(q) {
		ok, err := r.ev.matchesScope(sel, obj)
		if err != nil {
			return false, apierrors.NewInternalError(fmt.Errorf("error matching scopes of quota %s, err: %v", q.Name, err))
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// scopeSelectors turns a quota's scopes into selectors (Exists), followed by its scope selector's.
func scopeSelectors(q *core.ResourceQuota) []core.ScopedResourceSelectorRequirement {
	var out []core.ScopedResourceSelectorRequirement
	for _, s := range q.Spec.Scopes {
		out = append(out, core.ScopedResourceSelectorRequirement{ScopeName: s, Operator: core.ScopeSelectorOpExists})
	}
	if q.Spec.ScopeSelector != nil {
		out = append(out, q.Spec.ScopeSelector.MatchExpressions...)
	}
	return out
}

// forbidden is Kubernetes' admission.NewForbidden: `pods "name" is forbidden: <err>`.
func forbidden(a *admission.Attributes, err error) error {
	name := a.Name
	if name == "" && a.Object != nil {
		name = a.Object.GetObjectMeta().Name
	}
	return apierrors.NewForbidden(apierrors.GroupResource{Group: a.Group, Resource: a.Resource}, name, err)
}
