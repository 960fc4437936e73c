package rbac

import (
	"fmt"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/authz"
)

// RulesAllow reports whether any of rules allows the request, with Kubernetes' matching: "*" matches
// every verb, API group, resource (subresources included) and non-resource URL; "*/scale" matches
// the scale subresource of any resource; "pods" does not match "pods/log", and "pods/*" matches no
// subresource at all (Kubernetes refuses to grant subresources that do not exist yet); resourceNames
// restrict a rule to those names, so a rule with names never matches a request without one (list,
// create); a non-resource URL ending in "*" matches every path it prefixes.
func RulesAllow(a authz.Attributes, rules ...rbac.PolicyRule) bool {
	for i := range rules {
		if ruleAllows(&a, &rules[i]) {
			return true
		}
	}
	return false
}

// ruleAllows is RulesAllow for one rule; pointers, because it runs for every rule a request visits.
func ruleAllows(a *authz.Attributes, r *rbac.PolicyRule) bool {
	if !verbMatches(r, a.Verb) {
		return false
	}
	if !a.ResourceRequest {
		return nonResourceURLMatches(r, a.Path)
	}
	return apiGroupMatches(r, a.APIGroup) && resourceMatches(r, a.Resource, a.Subresource) && resourceNameMatches(r, a.Name)
}

func verbMatches(r *rbac.PolicyRule, verb string) bool {
	for _, v := range r.Verbs {
		if v == rbac.VerbAll || v == verb {
			return true
		}
	}
	return false
}

func apiGroupMatches(r *rbac.PolicyRule, group string) bool {
	for _, g := range r.APIGroups {
		if g == rbac.APIGroupAll || g == group {
			return true
		}
	}
	return false
}

// resourceMatches compares a rule's resources with resource[/subresource] without building the
// joined string, which would cost an allocation per rule on the hot path.
func resourceMatches(r *rbac.PolicyRule, resource, subresource string) bool {
	for _, rr := range r.Resources {
		if rr == rbac.ResourceAll {
			return true
		}
		if subresource == "" {
			if rr == resource {
				return true
			}
			continue
		}
		// resource/subresource exactly, or */subresource.
		if len(rr) == len(resource)+1+len(subresource) && rr[len(resource)] == '/' &&
			strings.HasPrefix(rr, resource) && strings.HasSuffix(rr, subresource) {
			return true
		}
		if len(rr) == len(subresource)+2 && strings.HasPrefix(rr, "*/") && strings.HasSuffix(rr, subresource) {
			return true
		}
	}
	return false
}

func resourceNameMatches(r *rbac.PolicyRule, name string) bool {
	if len(r.ResourceNames) == 0 {
		return true
	}
	for _, n := range r.ResourceNames {
		if n == name {
			return true
		}
	}
	return false
}

func nonResourceURLMatches(r *rbac.PolicyRule, path string) bool {
	for _, u := range r.NonResourceURLs {
		if nonResourceURLCovers(u, path) {
			return true
		}
	}
	return false
}

// nonResourceURLCovers: "*" covers everything, "/apis/*" every path under "/apis/" (and "/apis/"
// itself), anything else only itself.
func nonResourceURLCovers(owner, path string) bool {
	if owner == path || owner == rbac.NonResourceAll {
		return true
	}
	return strings.HasSuffix(owner, "*") && strings.HasPrefix(path, strings.TrimRight(owner, "*"))
}

// Covers reports whether ownerRules allow everything servantRules do, and if not, which pieces they
// lack: each servant rule broken down to one API group, resource, verb and resource name (or one
// non-resource URL and verb), as Kubernetes' escalation check does.
func Covers(ownerRules, servantRules []rbac.PolicyRule) (bool, []rbac.PolicyRule) {
	var missing []rbac.PolicyRule
	for i := range servantRules {
		forEachPiece(&servantRules[i], func(p piece) {
			for j := range ownerRules {
				if ruleCovers(&ownerRules[j], &p) {
					return
				}
			}
			missing = append(missing, p.rule())
		})
	}
	return len(missing) == 0, missing
}

// piece is one verb on one API group, resource and (optional) resource name, or one verb on one
// non-resource URL: small enough that one owner rule covers it wholly or not at all.
type piece struct {
	verb, group, resource, name, url string
	named, isURL                     bool
}

func (p *piece) rule() rbac.PolicyRule {
	if p.isURL {
		return rbac.PolicyRule{NonResourceURLs: []string{p.url}, Verbs: []string{p.verb}}
	}
	r := rbac.PolicyRule{APIGroups: []string{p.group}, Resources: []string{p.resource}, Verbs: []string{p.verb}}
	if p.named {
		r.ResourceNames = []string{p.name}
	}
	return r
}

// forEachPiece calls fn with every piece of r, in Kubernetes' order: groups, resources, verbs,
// names, then URLs and verbs.
func forEachPiece(r *rbac.PolicyRule, fn func(piece)) {
	for _, g := range r.APIGroups {
		for _, res := range r.Resources {
			for _, v := range r.Verbs {
				if len(r.ResourceNames) == 0 {
					fn(piece{verb: v, group: g, resource: res})
					continue
				}
				for _, n := range r.ResourceNames {
					fn(piece{verb: v, group: g, resource: res, name: n, named: true})
				}
			}
		}
	}
	for _, u := range r.NonResourceURLs {
		for _, v := range r.Verbs {
			fn(piece{verb: v, url: u, isURL: true})
		}
	}
}

// ruleCovers reports whether owner covers p.
func ruleCovers(owner *rbac.PolicyRule, p *piece) bool {
	if !slices.Contains(owner.Verbs, rbac.VerbAll) && !slices.Contains(owner.Verbs, p.verb) {
		return false
	}
	if p.isURL {
		for _, u := range owner.NonResourceURLs {
			if nonResourceURLCovers(u, p.url) {
				// Kubernetes lets resourceNames restrict even this (validation forbids the mix).
				return len(owner.ResourceNames) == 0
			}
		}
		return false
	}
	if !slices.Contains(owner.APIGroups, rbac.APIGroupAll) && !slices.Contains(owner.APIGroups, p.group) {
		return false
	}
	if !resourceCovers(owner.Resources, p.resource) {
		return false
	}
	// An owner limited to some names covers only requests for those names, never "all names".
	return len(owner.ResourceNames) == 0 || (p.named && slices.Contains(owner.ResourceNames, p.name))
}

// resourceCovers: "*" covers everything, "*/scale" the scale subresource of any resource, anything
// else only itself.
func resourceCovers(owner []string, resource string) bool {
	_, sub, isSub := strings.Cut(resource, "/")
	for _, o := range owner {
		if o == rbac.ResourceAll || o == resource {
			return true
		}
		if isSub && len(o) == len(sub)+2 && strings.HasPrefix(o, "*/") && o[2:] == sub {
			return true
		}
	}
	return false
}

// compactRules merges the rules of one API group, one resource and at most one resource name that
// differ only in verbs, so that an escalation error lists {... Verbs:["get" "list"]} once rather than
// a line per verb.
func compactRules(rules []rbac.PolicyRule) []rbac.PolicyRule {
	type simple struct {
		group, resource string
		hasName         bool
		name            string
	}
	out := make([]rbac.PolicyRule, 0, len(rules))
	merged := map[simple]int{} // index in out
	for _, r := range rules {
		simpleRule := len(r.APIGroups) == 1 && len(r.Resources) == 1 && len(r.ResourceNames) <= 1 && len(r.NonResourceURLs) == 0
		if !simpleRule {
			out = append(out, r)
			continue
		}
		k := simple{group: r.APIGroups[0], resource: r.Resources[0], hasName: len(r.ResourceNames) == 1}
		if k.hasName {
			k.name = r.ResourceNames[0]
		}
		if i, ok := merged[k]; ok {
			out[i].Verbs = append(out[i].Verbs, r.Verbs...)
			continue
		}
		merged[k] = len(out)
		c := *r.DeepCopy()
		out = append(out, c)
	}
	return out
}

// compactString writes a rule as Kubernetes' escalation errors do:
// {APIGroups:["apps"], Resources:["deployments"], Verbs:["create"]}.
func compactString(r rbac.PolicyRule) string {
	var parts []string
	add := func(name string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, fmt.Sprintf("%s:%q", name, vals))
		}
	}
	add("APIGroups", r.APIGroups)
	add("Resources", r.Resources)
	add("NonResourceURLs", r.NonResourceURLs)
	add("ResourceNames", r.ResourceNames)
	add("Verbs", r.Verbs)
	return "{" + strings.Join(parts, ", ") + "}"
}

// rulesEqual compares two rules field by field; a nil list equals an empty one.
func rulesEqual(a, b *rbac.PolicyRule) bool {
	return slices.Equal(a.Verbs, b.Verbs) && slices.Equal(a.APIGroups, b.APIGroups) && slices.Equal(a.Resources, b.Resources) &&
		slices.Equal(a.ResourceNames, b.ResourceNames) && slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}
