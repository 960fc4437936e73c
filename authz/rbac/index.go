package rbac

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authn"
)

// serviceAccountPrefix starts the user name of every service account:
// system:serviceaccount:<namespace>:<name>.
const serviceAccountPrefix = "system:serviceaccount:"

// key names a namespaced object, or a subject within a namespace. The empty namespace stands for
// the cluster: ClusterRoleBindings are filed under it, RoleBindings (always namespaced) never are.
type key struct{ namespace, name string }

// binding is a RoleBinding or ClusterRoleBinding as the index keeps it.
type binding struct {
	namespace string // "" for a ClusterRoleBinding
	name      string
	roleRef   rbac.RoleRef
	subjects  []rbac.Subject
	// reasons[i] is the reason of an Allow through subjects[i], built once here so that an allowed
	// request allocates nothing.
	reasons []string
	// users and groups are the subject keys the binding is filed under; a service account is filed
	// under its user name.
	users, groups []string
}

func newBinding(namespace, name string, ref rbac.RoleRef, subjects []rbac.Subject) *binding {
	b := &binding{namespace: namespace, name: name, roleRef: ref, subjects: subjects, reasons: make([]string, len(subjects))}
	for i, s := range subjects {
		b.reasons[i] = "RBAC: allowed by " + describeBinding(namespace, name, ref) + " to " + describeSubject(&s, namespace)
		switch s.Kind {
		case rbac.UserKind:
			b.users = appendNew(b.users, s.Name)
		case rbac.GroupKind:
			b.groups = appendNew(b.groups, s.Name)
		case rbac.ServiceAccountKind:
			// A service account subject without a namespace means the binding's own; a
			// ClusterRoleBinding has none to lend, so such a subject matches nobody.
			ns := s.Namespace
			if ns == "" {
				ns = namespace
			}
			if ns != "" {
				b.users = appendNew(b.users, serviceAccountPrefix+ns+":"+s.Name)
			}
		}
	}
	return b
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// describeBinding and describeSubject word reasons exactly as Kubernetes does, down to its
// "name/namespace" order for service accounts.
func describeBinding(namespace, name string, ref rbac.RoleRef) string {
	if namespace == "" {
		return fmt.Sprintf("ClusterRoleBinding %q of %s %q", name, ref.Kind, ref.Name)
	}
	return fmt.Sprintf("RoleBinding %q of %s %q", name+"/"+namespace, ref.Kind, ref.Name)
}

func describeSubject(s *rbac.Subject, bindingNamespace string) string {
	if s.Kind == rbac.ServiceAccountKind {
		ns := s.Namespace
		if ns == "" {
			ns = bindingNamespace
		}
		return fmt.Sprintf("%s %q", s.Kind, s.Name+"/"+ns)
	}
	return fmt.Sprintf("%s %q", s.Kind, s.Name)
}

// appliesTo returns the index of the first subject of b that is u, or -1. It is the truth; the
// subject keys only narrow down which bindings to ask.
func (b *binding) appliesTo(u *authn.User) int {
	for i := range b.subjects {
		s := &b.subjects[i]
		switch s.Kind {
		case rbac.UserKind:
			if u.Name == s.Name {
				return i
			}
		case rbac.GroupKind:
			if slices.Contains(u.Groups, s.Name) {
				return i
			}
		case rbac.ServiceAccountKind:
			ns := s.Namespace
			if ns == "" {
				ns = b.namespace
			}
			if ns != "" && isServiceAccount(u.Name, ns, s.Name) {
				return i
			}
		}
	}
	return -1
}

// isServiceAccount reports whether user is system:serviceaccount:<namespace>:<name>, without
// building that string.
func isServiceAccount(user, namespace, name string) bool {
	rest, ok := strings.CutPrefix(user, serviceAccountPrefix)
	if !ok || len(rest) != len(namespace)+1+len(name) {
		return false
	}
	return strings.HasPrefix(rest, namespace) && rest[len(namespace)] == ':' && strings.HasSuffix(rest, name)
}

// clusterRole is a ClusterRole with the rules it grants: its own, or for an aggregated role those
// of the roles it selects.
type clusterRole struct {
	obj *rbac.ClusterRole
	// selectors are those of the aggregationRule; nil for a role that does not aggregate.
	selectors []labels.Selector
	rules     []rbac.PolicyRule
}

// index is the policy: the four kinds by name, and the bindings by subject. It is not safe for
// concurrent use; the Authorizer guards it.
type index struct {
	roles        map[key]*rbac.Role
	clusterRoles map[string]*clusterRole
	bindings     [2]map[key]*binding // [roleBindings] and [clusterRoleBindings] by namespace/name

	// byUser and byGroup file every binding under each user (or service account user name) and
	// group its subjects name, within the binding's namespace ("" for ClusterRoleBindings). Each
	// list is sorted by binding name, which makes decisions and their reasons deterministic.
	byUser, byGroup map[key][]*binding

	// aggregationStale says that ClusterRoles changed since aggregated rules were last computed.
	aggregationStale bool
}

const (
	roleBindings = iota
	clusterRoleBindings
)

func newIndex() *index {
	return &index{
		roles:        map[key]*rbac.Role{},
		clusterRoles: map[string]*clusterRole{},
		bindings:     [2]map[key]*binding{{}, {}},
		byUser:       map[key][]*binding{},
		byGroup:      map[key][]*binding{},
	}
}

func (ix *index) setRole(r *rbac.Role) { ix.roles[key{r.Namespace, r.Name}] = r }

func (ix *index) deleteRole(namespace, name string) { delete(ix.roles, key{namespace, name}) }

func (ix *index) setClusterRole(r *rbac.ClusterRole) error {
	cr := &clusterRole{obj: r, rules: r.Rules}
	var err error
	if r.AggregationRule != nil {
		cr.rules = nil
		cr.selectors = make([]labels.Selector, 0, len(r.AggregationRule.ClusterRoleSelectors))
		for i := range r.AggregationRule.ClusterRoleSelectors {
			sel, serr := meta.LabelSelectorAsSelector(&r.AggregationRule.ClusterRoleSelectors[i])
			if serr != nil {
				// An invalid selector selects nothing, as the aggregation controller would skip it.
				err = errors.Join(err, fmt.Errorf("clusterrole %q: aggregationRule.clusterRoleSelectors[%d]: %w", r.Name, i, serr))
				continue
			}
			cr.selectors = append(cr.selectors, sel)
		}
	}
	ix.clusterRoles[r.Name] = cr
	ix.aggregationStale = true
	return err
}

func (ix *index) deleteClusterRole(name string) {
	if _, ok := ix.clusterRoles[name]; ok {
		delete(ix.clusterRoles, name)
		ix.aggregationStale = true
	}
}

// setBinding files b, replacing any binding of that kind, namespace and name.
func (ix *index) setBinding(kind int, b *binding) {
	ix.deleteBinding(kind, b.namespace, b.name)
	ix.bindings[kind][key{b.namespace, b.name}] = b
	for _, u := range b.users {
		k := key{b.namespace, u}
		ix.byUser[k] = insertSorted(ix.byUser[k], b)
	}
	for _, g := range b.groups {
		k := key{b.namespace, g}
		ix.byGroup[k] = insertSorted(ix.byGroup[k], b)
	}
}

func (ix *index) deleteBinding(kind int, namespace, name string) {
	old, ok := ix.bindings[kind][key{namespace, name}]
	if !ok {
		return
	}
	delete(ix.bindings[kind], key{namespace, name})
	unfile := func(m map[key][]*binding, subjects []string) {
		for _, s := range subjects {
			k := key{namespace, s}
			list := slices.DeleteFunc(m[k], func(b *binding) bool { return b == old })
			if len(list) == 0 {
				delete(m, k)
			} else {
				m[k] = list
			}
		}
	}
	unfile(ix.byUser, old.users)
	unfile(ix.byGroup, old.groups)
}

func insertSorted(list []*binding, b *binding) []*binding {
	i, _ := slices.BinarySearchFunc(list, b.name, func(e *binding, name string) int { return strings.Compare(e.name, name) })
	return slices.Insert(list, i, b)
}

// aggregate recomputes the rules of aggregated ClusterRoles, as the aggregation controller would
// write them: for each selector in order, the rules of the matching ClusterRoles (itself excepted)
// sorted by name, without duplicates. Aggregated roles may select aggregated roles (admin selects
// edit, edit selects view), so it repeats until nothing changes; the rule sets only grow from one
// round to the next, so the rounds end.
func (ix *index) aggregate() {
	if !ix.aggregationStale {
		return
	}
	ix.aggregationStale = false
	names := make([]string, 0, len(ix.clusterRoles))
	var aggregated []*clusterRole
	for name, cr := range ix.clusterRoles {
		names = append(names, name)
		if cr.selectors != nil {
			cr.rules = nil
			aggregated = append(aggregated, cr)
		}
	}
	if len(aggregated) == 0 {
		return
	}
	sort.Strings(names)
	sort.Slice(aggregated, func(i, j int) bool { return aggregated[i].obj.Name < aggregated[j].obj.Name })
	for changed := true; changed; {
		changed = false
		for _, agg := range aggregated {
			var rules []rbac.PolicyRule
			for _, sel := range agg.selectors {
				for _, name := range names {
					cr := ix.clusterRoles[name]
					if cr == agg || !sel.Matches(labels.Set(cr.obj.Labels)) {
						continue
					}
					for i := range cr.rules {
						if !slices.ContainsFunc(rules, func(r rbac.PolicyRule) bool { return rulesEqual(&r, &cr.rules[i]) }) {
							rules = append(rules, cr.rules[i])
						}
					}
				}
			}
			if len(rules) != len(agg.rules) {
				changed = true
			}
			agg.rules = rules
		}
	}
}

// candidates appends to buf the bindings in namespace ("" for ClusterRoleBindings) that name u,
// its groups or its service account, sorted by name, each once.
func (ix *index) candidates(buf []*binding, namespace string, u *authn.User) []*binding {
	sources := 0
	if bs := ix.byUser[key{namespace, u.Name}]; len(bs) > 0 {
		buf = append(buf, bs...)
		sources++
	}
	for _, g := range u.Groups {
		if bs := ix.byGroup[key{namespace, g}]; len(bs) > 0 {
			buf = append(buf, bs...)
			sources++
		}
	}
	if sources > 1 {
		slices.SortFunc(buf, func(a, b *binding) int { return strings.Compare(a.name, b.name) })
		buf = slices.Compact(buf)
	}
	return buf
}

// roleRules returns the rules ref grants to a binding in namespace ("" for a ClusterRoleBinding).
// The slice is the index's own: read-only.
func (ix *index) roleRules(ref rbac.RoleRef, namespace string) ([]rbac.PolicyRule, error) {
	switch ref.Kind {
	case "Role":
		if r, ok := ix.roles[key{namespace, ref.Name}]; ok && namespace != "" {
			return r.Rules, nil
		}
		return nil, newRoleNotFound("role", ref.Name)
	case "ClusterRole":
		if cr, ok := ix.clusterRoles[ref.Name]; ok {
			return cr.rules, nil
		}
		return nil, newRoleNotFound("clusterrole", ref.Name)
	}
	return nil, fmt.Errorf("unsupported role reference kind: %q", ref.Kind)
}

// roleNotFound is a binding's missing role. It reads as Kubernetes' informer error
// (`clusterrole.rbac.authorization.k8s.io "x" not found`), is ErrRoleNotFound to errors.Is, and is
// a 404 Status to an API server.
type roleNotFound struct{ status *meta.Status }

func newRoleNotFound(singular, name string) error {
	return &roleNotFound{status: apierrors.NewNotFound(apierrors.GroupResource{Group: rbac.GroupName, Resource: singular}, name)}
}

func (e *roleNotFound) Error() string   { return e.status.Message }
func (e *roleNotFound) Unwrap() []error { return []error{ErrRoleNotFound, e.status} }
