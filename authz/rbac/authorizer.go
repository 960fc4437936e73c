package rbac

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/store"
)

// Errors of this package, for errors.Is.
var (
	// ErrNotSynced: the authorizer has not yet listed the policy from its source.
	ErrNotSynced = errors.New("rbac: policy not synced yet")
	// ErrRoleNotFound: a binding names a Role or ClusterRole that does not exist.
	ErrRoleNotFound = errors.New("rbac: role not found")
	// ErrEscalation: a user tried to grant permissions it does not hold (see EscalationError).
	ErrEscalation = errors.New("rbac: attempting to grant RBAC permissions not currently held")
	// ErrAlreadyRunning: Run was called a second time.
	ErrAlreadyRunning = errors.New("rbac: already running")
)

// Source is where an Authorizer reads the policy: a store, or anything that lists and watches like
// one. The Authorizer reads the resources "roles", "clusterroles", "rolebindings" and
// "clusterrolebindings" under their store.Prefix.
type Source interface {
	store.Reader
	store.Watcher
}

// Options configure an Authorizer that follows a Source.
type Options struct {
	Logger logr.Logger
	// Clock times the pause before a failed list or watch is tried again; the real clock when nil.
	Clock clock.Clock
	// RetryInterval is that pause (default one second).
	RetryInterval time.Duration
}

// Policy is a set of RBAC objects, for an Authorizer that does not follow a store.
type Policy struct {
	Roles               []*rbac.Role
	ClusterRoles        []*rbac.ClusterRole
	RoleBindings        []*rbac.RoleBinding
	ClusterRoleBindings []*rbac.ClusterRoleBinding
}

// Authorizer is Kubernetes' RBAC authorizer over an in-memory index of the policy. It is safe for
// concurrent use; decisions see the policy as it was when they started.
type Authorizer struct {
	src   Source
	log   logr.Logger
	clock clock.Clock
	retry time.Duration

	// mu guards the index: decisions read under RLock; the four followers write under Lock.
	mu sync.RWMutex
	ix *index
	// listed says which of the four kinds have been listed at least once.
	listed [numKinds]bool
	// changed is closed and replaced whenever the index changes, so tests can wait for an update
	// without sleeping.
	changed chan struct{}

	synced     atomic.Bool
	syncedChan chan struct{}
	running    atomic.Bool
}

var _ authz.Authorizer = (*Authorizer)(nil)

// New returns an Authorizer that follows the policy in src once Run is started. Until it has listed
// everything (HasSynced), Authorize has no opinion and returns an error wrapping ErrNotSynced.
func New(src Source, opts Options) *Authorizer {
	if opts.Logger.GetSink() == nil {
		opts.Logger = logr.Discard()
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.RetryInterval <= 0 {
		opts.RetryInterval = time.Second
	}
	return &Authorizer{
		src: src, log: opts.Logger, clock: opts.Clock, retry: opts.RetryInterval,
		ix: newIndex(), changed: make(chan struct{}), syncedChan: make(chan struct{}),
	}
}

// NewFromStore returns an Authorizer that follows the RBAC objects in st; start it with Run.
func NewFromStore(st store.Store, logger logr.Logger) *Authorizer {
	return New(st, Options{Logger: logger})
}

// NewStatic returns an Authorizer over a fixed policy, synced at once; Run is not needed. It keeps
// the objects, which must not be changed afterwards. Aggregated ClusterRoles get their rules from
// the policy's other ClusterRoles, and invalid aggregation selectors select nothing.
func NewStatic(p Policy) *Authorizer {
	a := New(nil, Options{})
	for _, r := range p.Roles {
		a.ix.setRole(r)
	}
	for _, r := range p.ClusterRoles {
		_ = a.ix.setClusterRole(r) // an invalid selector selects nothing, as documented
	}
	for _, b := range p.RoleBindings {
		a.ix.setBinding(roleBindings, newBinding(b.Namespace, b.Name, b.RoleRef, b.Subjects))
	}
	for _, b := range p.ClusterRoleBindings {
		a.ix.setBinding(clusterRoleBindings, newBinding("", b.Name, b.RoleRef, b.Subjects))
	}
	a.ix.aggregate()
	a.listed = [numKinds]bool{true, true, true, true}
	a.markSynced()
	return a
}

// HasSynced reports whether the policy has been listed from the source: until then every request
// gets NoOpinion.
func (a *Authorizer) HasSynced() bool { return a.synced.Load() }

// WaitForSync blocks until the policy has been listed, or ctx is done (an error wrapping ctx.Err()
// and ErrNotSynced).
func (a *Authorizer) WaitForSync(ctx context.Context) error {
	select {
	case <-a.syncedChan:
		return nil
	case <-ctx.Done():
		return errors.Join(ErrNotSynced, ctx.Err())
	}
}

func (a *Authorizer) markSynced() {
	if a.synced.CompareAndSwap(false, true) {
		close(a.syncedChan)
	}
}

// Authorize allows a request when a rule of a role bound to the user allows it: through a
// ClusterRoleBinding anywhere, or a RoleBinding in the request's namespace (resource requests
// only). The reason names the binding, role and subject, as Kubernetes words it. Otherwise the
// decision is NoOpinion; its reason lists bindings whose role is missing, if any. err is set only
// before the policy is synced.
func (a *Authorizer) Authorize(_ context.Context, attrs authz.Attributes) (authz.Decision, string, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if !a.synced.Load() {
		return authz.NoOpinion, "", ErrNotSynced
	}
	var errs []error
	var buf [16]*binding
	if reason, ok := a.visit(buf[:0], &attrs, "", &errs); ok {
		return authz.Allow, reason, nil
	}
	// RoleBindings grant only within their namespace, and never non-resource URLs.
	if attrs.ResourceRequest && attrs.Namespace != "" {
		if reason, ok := a.visit(buf[:0], &attrs, attrs.Namespace, &errs); ok {
			return authz.Allow, reason, nil
		}
	}
	if len(errs) > 0 {
		return authz.NoOpinion, "RBAC: " + aggregateMessage(errs), nil
	}
	return authz.NoOpinion, "", nil
}

// visit looks for a rule allowing attrs among the bindings in namespace ("" for the
// ClusterRoleBindings) that apply to the user; resolution errors go to errs.
func (a *Authorizer) visit(buf []*binding, attrs *authz.Attributes, namespace string, errs *[]error) (string, bool) {
	for _, b := range a.ix.candidates(buf, namespace, &attrs.User) {
		subject := b.appliesTo(&attrs.User)
		if subject < 0 {
			continue
		}
		rules, err := a.ix.roleRules(b.roleRef, b.namespace)
		if err != nil {
			*errs = append(*errs, err)
			continue
		}
		for i := range rules {
			if ruleAllows(attrs, &rules[i]) {
				return b.reasons[subject], true
			}
		}
	}
	return "", false
}

// aggregateMessage joins distinct messages as Kubernetes' error aggregates print: one message
// alone, several as [a, b].
func aggregateMessage(errs []error) string {
	var msgs []string
	for _, err := range errs {
		if m := err.Error(); !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 1 {
		return msgs[0]
	}
	return "[" + strings.Join(msgs, ", ") + "]"
}

// RulesFor returns every rule that applies to user in namespace: those of the roles its
// ClusterRoleBindings grant, and, when namespace is not empty, of those its RoleBindings there
// grant. Bindings whose role is missing are skipped and reported in err (wrapping
// ErrRoleNotFound), the rules found still being valid, since rules only ever add permissions.
func (a *Authorizer) RulesFor(user authn.User, namespace string) ([]rbac.PolicyRule, error) {
	rules, errs := a.rulesFor(user, namespace)
	return rules, errors.Join(errs...)
}

func (a *Authorizer) rulesFor(user authn.User, namespace string) ([]rbac.PolicyRule, []error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if !a.synced.Load() {
		return nil, []error{ErrNotSynced}
	}
	var rules []rbac.PolicyRule
	var errs []error
	collect := func(ns string) {
		for _, b := range a.ix.candidates(nil, ns, &user) {
			if b.appliesTo(&user) < 0 {
				continue
			}
			r, err := a.ix.roleRules(b.roleRef, b.namespace)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			rules = append(rules, r...)
		}
	}
	collect("")
	if namespace != "" {
		collect(namespace)
	}
	return rules, errs
}

// RoleRefRules returns the rules a binding in namespace ("" for a ClusterRoleBinding) referring to
// ref grants; for an aggregated ClusterRole, the aggregated rules. A missing role is an error
// wrapping ErrRoleNotFound that is also a 404 *meta.Status. The rules are shared: read-only.
func (a *Authorizer) RoleRefRules(ref rbac.RoleRef, namespace string) ([]rbac.PolicyRule, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if !a.synced.Load() {
		return nil, ErrNotSynced
	}
	return a.ix.roleRules(ref, namespace)
}

// notifyLocked wakes whoever waits for the index to change; a.mu must be held for writing.
func (a *Authorizer) notifyLocked() {
	close(a.changed)
	a.changed = make(chan struct{})
}
