package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/go-logr/logr"
	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver/patch"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/warning"
	"k8s.io/utils/clock"
)

// The plugins' names, as --enable-admission-plugins spells them.
const (
	MutatingPluginName   = "MutatingAdmissionWebhook"
	ValidatingPluginName = "ValidatingAdmissionWebhook"
)

// Audit annotation key prefixes, as kube-apiserver writes them.
const (
	MutationAuditAnnotationPrefix             = "mutation.webhook.admission.k8s.io/"
	MutationFailedOpenAuditAnnotationPrefix   = "failed-open." + MutationAuditAnnotationPrefix
	ValidatingFailedOpenAuditAnnotationPrefix = "failed-open.validating.webhook.admission.k8s.io/"
)

// WarningSink receives a warning a webhook returned for the request in ctx; the API server adds it
// to the response as a Warning header. It is called on the goroutine that called Admit or
// Validate, in webhook order, also for webhooks that then deny the request.
type WarningSink func(ctx context.Context, warning string)

// Deps are what the plugins need besides their configurations. All are optional.
type Deps struct {
	// Namespaces gives namespace labels for namespaceSelectors. When nil, a source that is also a
	// NamespaceGetter (as FromStore's is) is used; without either, a request that needs namespace
	// labels is rejected.
	Namespaces NamespaceGetter
	// Warn receives the webhooks' warnings; when nil they go to warning.Add, which the API server
	// turns into the response's Warning headers.
	Warn WarningSink
	// Registry, when set, defaults an object that a mutating webhook patched, with its kind's
	// defaults, as kube-apiserver does: a patch may remove a field that defaulting had filled.
	Registry *api.Registry
	// Clock times each call against the webhook's timeoutSeconds; the real clock when nil.
	Clock clock.WithDelayedExecution
	// Logger receives the failures that failurePolicy Ignore lets through.
	Logger logr.Logger
}

// base is what both plugins share.
type base struct {
	caller caller
	ns     NamespaceGetter
	warn   WarningSink
	log    logr.Logger
}

func newBase(source any, deps Deps) base {
	b := base{ns: deps.Namespaces, warn: deps.Warn, log: deps.Logger}
	if b.warn == nil {
		b.warn = warning.Add
	}
	if b.ns == nil {
		b.ns, _ = source.(NamespaceGetter)
	}
	b.caller.clients = &clients{}
	b.caller.clock = deps.Clock
	if b.caller.clock == nil {
		b.caller.clock = clock.RealClock{}
	}
	if b.log.GetSink() == nil {
		b.log = logr.Discard()
	}
	return b
}

func (b *base) warnAll(ctx context.Context, warnings []string) {
	for _, w := range warnings {
		b.warn(ctx, w)
	}
}

// CloseIdleConnections closes the connections kept open to webhooks between calls.
func (b *base) CloseIdleConnections() { b.caller.clients.close() }

// handles: webhooks may be registered for every operation.
func handles(op admission.Operation) bool {
	switch op {
	case admission.Create, admission.Update, admission.Delete, admission.Connect:
		return true
	}
	return false
}

func listError(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return timedOut(ctx)
	}
	err = fmt.Errorf("webhook: listing %s webhook configurations: %w", what, err)
	return &Error{Status: apierrors.NewInternalError(err), Err: err}
}

// timedOut is the rejection when the request's own context ends while webhooks are still to run.
func timedOut(ctx context.Context) error {
	return &Error{Status: apierrors.NewTimeout("request did not complete within requested timeout - " + ctx.Err().Error()), Err: ctx.Err()}
}

// sortedByName copies the configurations in name order, the order kube-apiserver calls them in.
func sortedByName[C interface{ GetObjectMeta() *meta.ObjectMeta }](configs []C) []C {
	out := slices.Clone(configs)
	slices.SortStableFunc(out, func(a, b C) int { return strings.Compare(a.GetObjectMeta().Name, b.GetObjectMeta().Name) })
	return out
}

// Mutating is the MutatingAdmissionWebhook plugin: it sends each request to the mutating webhooks
// that match it, one at a time, and applies the JSON patches they answer with to the object.
type Mutating struct {
	base
	source   MutatingSource
	registry *api.Registry
	cache    hookCache[*admissionregistration.MutatingWebhookConfiguration]
}

var _ admission.Mutator = (*Mutating)(nil)

// NewMutating returns the plugin, calling the webhooks of the configurations source gives.
func NewMutating(source MutatingSource, deps Deps) *Mutating {
	return &Mutating{base: newBase(source, deps), source: source, registry: deps.Registry}
}

// Name returns MutatingPluginName.
func (p *Mutating) Name() string { return MutatingPluginName }

// Handles reports true for every operation: a webhook's rules decide.
func (p *Mutating) Handles(op admission.Operation) bool { return handles(op) }

// Admit calls the matching webhooks in the order of their configurations' names and then their
// order in each configuration. Each sees the object as the ones before it left it; a patch it
// answers with is applied to a.Object in place. A webhook with reinvocationPolicy IfNeeded is
// called once more, after the others, when a webhook after it changed the object. (kube-apiserver
// also reinvokes it after later in-tree plugins changed the object; skiff's chain does not rerun.)
//
// A denial rejects the request with the webhook's message and code (400 by default). A failure to
// call a webhook rejects it with a 500 under failurePolicy Fail and is logged and skipped under
// Ignore. Every error is an *Error whose Status the API server sends as is.
func (p *Mutating) Admit(ctx context.Context, a *admission.Attributes) error {
	if exempt(a) {
		return nil
	}
	configs, err := p.source.MutatingWebhookConfigurations(ctx)
	if err != nil {
		return listError(ctx, "mutating", err)
	}
	hooks := p.cache.get(sortedByName(configs), mutatingHooks)
	if len(hooks) == 0 {
		return nil
	}
	m := &mutation{p: p, a: a, ns: &nsLabels{get: p.ns}}
	var invokedReinvocable []int
	reinvoke := map[int]bool{}
	for i := range hooks {
		h := &hooks[i]
		called, changed, err := m.run(ctx, h, 0)
		if err != nil {
			return err
		}
		if !called {
			continue
		}
		// As in Kubernetes: a change requires the IfNeeded webhooks called before it to run again;
		// the webhook that made it does not run again for its own change.
		if changed {
			for _, j := range invokedReinvocable {
				reinvoke[j] = true
			}
			invokedReinvocable = nil
		}
		if h.reinvoke {
			invokedReinvocable = append(invokedReinvocable, i)
		}
	}
	for i := range hooks {
		if reinvoke[i] {
			if _, _, err := m.run(ctx, &hooks[i], 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// mutation is one Admit call's state.
type mutation struct {
	p  *Mutating
	a  *admission.Attributes
	ns *nsLabels
	r  *review // encoded when the first webhook matches, and again after each change
}

// run calls one webhook if it matches, applying the failure policy. called says whether it
// matched; changed whether its patch changed the object.
func (m *mutation) run(ctx context.Context, h *hook, round int) (called, changed bool, err error) {
	ok, err := shouldCall(ctx, h, m.a, m.ns)
	if err != nil || !ok {
		return false, false, err
	}
	if m.r == nil {
		if m.r, err = newReview(m.a); err != nil {
			return true, false, internal(h.name, err)
		}
	}
	changed, err = m.call(ctx, h)
	m.annotateMutation(ctx, h, round, changed)
	var ce *CallError
	if !errors.As(err, &ce) {
		return true, changed, err
	}
	if !h.ignoreErrors {
		return true, false, failedClosed(ce)
	}
	m.p.log.Error(ce, "Failed calling webhook, failing open", "webhook", h.name, "configuration", h.config)
	audit.Annotate(ctx, fmt.Sprintf("%sround_%d_index_%d", MutationFailedOpenAuditAnnotationPrefix, round, h.index), h.name)
	if ctx.Err() != nil {
		// The request itself is out of time: no point in calling the rest.
		return true, false, timedOut(ctx)
	}
	return true, false, nil
}

func (m *mutation) annotateMutation(ctx context.Context, h *hook, round int, mutated bool) {
	v, _ := json.Marshal(struct {
		Configuration string `json:"configuration"`
		Webhook       string `json:"webhook"`
		Mutated       bool   `json:"mutated"`
	}{h.config, h.name, mutated})
	audit.Annotate(ctx, fmt.Sprintf("%sround_%d_index_%d", MutationAuditAnnotationPrefix, round, h.index), string(v))
}

// call sends the review and applies the answer's patch. Errors are *CallErrors where Kubernetes
// lets the failure policy decide (an undecodable patch, an unknown patch type) and rejections
// where it does not (a patch that does not apply, or that makes the object undecodable).
func (m *mutation) call(ctx context.Context, h *hook) (bool, error) {
	res, err := m.p.caller.call(ctx, h, m.r, true)
	if err != nil {
		return false, err
	}
	m.p.warnAll(ctx, res.Warnings)
	if !res.Allowed {
		return false, denied(h.name, res.Result)
	}
	if len(res.Patch) == 0 {
		return false, nil
	}
	var ops []map[string]json.RawMessage
	if err := json.Unmarshal(res.Patch, &ops); err != nil {
		return false, callError(h.name, "received undecodable patch in webhook response: %v", err)
	}
	if len(ops) == 0 {
		return false, nil
	}
	if isNil(m.a.Object) {
		return false, internal(h.name, fmt.Errorf("admission webhook %q attempted to modify the object, which is not supported for this operation", h.name))
	}
	if *res.PatchType != PatchTypeJSONPatch {
		return false, callError(h.name, "unsupported patch type %q", *res.PatchType)
	}
	patched, err := patch.JSONPatch(m.r.object, res.Patch)
	if err != nil {
		return false, internal(h.name, fmt.Errorf("admission webhook %q returned a patch that does not apply: %w", h.name, err))
	}
	obj, err := m.decode(h, patched)
	if err != nil {
		return false, internal(h.name, err)
	}
	if m.p.registry != nil && m.a.Subresource == "" {
		if k, err := m.p.registry.KindOf(obj); err == nil && k.Default != nil {
			k.Default(obj)
		}
	}
	changed := !equality.DeepEqual(m.a.Object, obj)
	// The server keeps the Attributes' pointer: the patched object goes into it.
	reflect.ValueOf(m.a.Object).Elem().Set(reflect.ValueOf(obj).Elem())
	if changed {
		if m.r.object, err = encodeObject(m.a.Object, m.a); err != nil {
			return true, internal(h.name, fmt.Errorf("encoding the patched object: %w", err))
		}
	}
	return changed, nil
}

// decode reads the patched object into a new object of the same Go type, which must still have
// the apiVersion and kind it was sent with.
func (m *mutation) decode(h *hook, patched []byte) (meta.Object, error) {
	t := reflect.TypeOf(m.a.Object)
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("cannot apply the patch of admission webhook %q to a %s", h.name, t)
	}
	obj, ok := reflect.New(t.Elem()).Interface().(meta.Object)
	if !ok {
		return nil, fmt.Errorf("cannot apply the patch of admission webhook %q to a %s", h.name, t)
	}
	if err := api.DecodeInto(patched, obj); err != nil {
		return nil, fmt.Errorf("admission webhook %q returned a patch that leaves an undecodable object: %w", h.name, err)
	}
	want := *m.a.Object.GetTypeMeta()
	if want.APIVersion == "" && want.Kind == "" {
		want = meta.TypeMeta{APIVersion: meta.JoinAPIVersion(m.a.Group, m.a.Version), Kind: m.a.Kind}
	}
	if got := obj.GetTypeMeta(); *got != want {
		return nil, fmt.Errorf("admission webhook %q may not change the object's apiVersion and kind (from %q, %q to %q, %q)",
			h.name, want.APIVersion, want.Kind, got.APIVersion, got.Kind)
	}
	*obj.GetTypeMeta() = *m.a.Object.GetTypeMeta()
	return obj, nil
}

// Validating is the ValidatingAdmissionWebhook plugin: it sends each request to all the validating
// webhooks that match it at once, and rejects it unless every one allows it.
type Validating struct {
	base
	source ValidatingSource
	cache  hookCache[*admissionregistration.ValidatingWebhookConfiguration]
}

var _ admission.Validator = (*Validating)(nil)

// NewValidating returns the plugin, calling the webhooks of the configurations source gives.
func NewValidating(source ValidatingSource, deps Deps) *Validating {
	return &Validating{base: newBase(source, deps), source: source}
}

// Name returns ValidatingPluginName.
func (p *Validating) Name() string { return ValidatingPluginName }

// Handles reports true for every operation: a webhook's rules decide.
func (p *Validating) Handles(op admission.Operation) bool { return handles(op) }

// Validate calls the matching webhooks in parallel and waits for all of them; it starts no
// goroutine that outlives the call. The first rejection, in webhook order, is returned; failures
// are treated as Admit treats them. A webhook that panics the plugin rejects the request (or, under
// Ignore, is skipped) instead of crashing the server.
func (p *Validating) Validate(ctx context.Context, a *admission.Attributes) error {
	if exempt(a) {
		return nil
	}
	configs, err := p.source.ValidatingWebhookConfigurations(ctx)
	if err != nil {
		return listError(ctx, "validating", err)
	}
	hooks := p.cache.get(sortedByName(configs), validatingHooks)
	ns := &nsLabels{get: p.ns}
	var relevant []*hook
	for i := range hooks {
		ok, err := shouldCall(ctx, &hooks[i], a, ns)
		if err != nil {
			return err
		}
		if ok {
			relevant = append(relevant, &hooks[i])
		}
	}
	if len(relevant) == 0 {
		return nil
	}
	if ctx.Err() != nil {
		return timedOut(ctx)
	}
	r, err := newReview(a)
	if err != nil {
		return internal(relevant[0].name, err)
	}
	results := make([]validation, len(relevant))
	if len(relevant) == 1 {
		results[0] = p.run(ctx, relevant[0], r)
	} else {
		var wg sync.WaitGroup
		for i, h := range relevant {
			wg.Go(func() { results[i] = p.run(ctx, h, r) })
		}
		wg.Wait()
	}
	var first error
	for _, res := range results {
		p.warnAll(ctx, res.warnings)
		if res.err != nil {
			if first == nil {
				first = res.err
			} else {
				p.log.Info("Another validating webhook rejected the request too", "err", res.err.Error())
			}
		}
	}
	return first
}

// validation is one webhook's verdict.
type validation struct {
	warnings []string
	err      error
}

func (p *Validating) run(ctx context.Context, h *hook, r *review) (out validation) {
	defer func() {
		if v := recover(); v != nil {
			err := fmt.Errorf("%s/%s has panicked: %v", ValidatingPluginName, h.name, v)
			if h.ignoreErrors {
				p.log.Error(err, "Panic calling webhook, failing open", "webhook", h.name)
				out = validation{}
				return
			}
			out = validation{err: internal(h.name, err)}
		}
	}()
	res, err := p.caller.call(ctx, h, r, false)
	var ce *CallError
	switch {
	case errors.As(err, &ce):
		if !h.ignoreErrors {
			return validation{err: failedClosed(ce)}
		}
		p.log.Error(ce, "Failed calling webhook, failing open", "webhook", h.name, "configuration", h.config)
		audit.Annotate(ctx, fmt.Sprintf("%sround_0_index_%d", ValidatingFailedOpenAuditAnnotationPrefix, h.index), h.name)
		return validation{}
	case err != nil:
		return validation{err: err}
	case !res.Allowed:
		return validation{warnings: res.Warnings, err: denied(h.name, res.Result)}
	}
	return validation{warnings: res.Warnings}
}

// isNil reports a missing object: a nil interface or a typed nil pointer.
func isNil(obj meta.Object) bool {
	if obj == nil {
		return true
	}
	v := reflect.ValueOf(obj)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
