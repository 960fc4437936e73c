package interpodaffinity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// parseRequired parses the pod's required affinity and anti-affinity terms. Unlike
// framework.NewPodInfo, which drops terms that do not parse, it reports them: a pod with a bad
// term cannot be placed as it asks.
func parseRequired(pod *core.Pod) (affinity, anti []framework.AffinityTerm, err error) {
	a := pod.Spec.Affinity
	if a == nil {
		return nil, nil, nil
	}
	if a.PodAffinity != nil {
		if affinity, err = parseTerms(pod, a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution); err != nil {
			return nil, nil, err
		}
	}
	if a.PodAntiAffinity != nil {
		if anti, err = parseTerms(pod, a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution); err != nil {
			return nil, nil, err
		}
	}
	return affinity, anti, nil
}

// parsePreferred parses the pod's preferred terms, reporting those that do not parse.
func parsePreferred(pod *core.Pod) (affinity, anti []framework.WeightedAffinityTerm, err error) {
	a := pod.Spec.Affinity
	if a == nil {
		return nil, nil, nil
	}
	if a.PodAffinity != nil {
		if affinity, err = parseWeighted(pod, a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution); err != nil {
			return nil, nil, err
		}
	}
	if a.PodAntiAffinity != nil {
		if anti, err = parseWeighted(pod, a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution); err != nil {
			return nil, nil, err
		}
	}
	return affinity, anti, nil
}

func parseTerms(pod *core.Pod, in []core.PodAffinityTerm) ([]framework.AffinityTerm, error) {
	out := make([]framework.AffinityTerm, 0, len(in))
	for i := range in {
		t, err := framework.NewAffinityTerm(pod, &in[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, nil
}

func parseWeighted(pod *core.Pod, in []core.WeightedPodAffinityTerm) ([]framework.WeightedAffinityTerm, error) {
	out := make([]framework.WeightedAffinityTerm, 0, len(in))
	for i := range in {
		t, err := framework.NewAffinityTerm(pod, &in[i].PodAffinityTerm)
		if err != nil {
			return nil, err
		}
		out = append(out, framework.WeightedAffinityTerm{AffinityTerm: *t, Weight: in[i].Weight})
	}
	return out, nil
}

// mergeNamespaces turns a term's non-empty namespace selector into the namespaces it selects, so
// that matching the incoming pod's terms against running pods never needs their namespaces'
// labels. An empty selector (all namespaces) is kept as it is.
func (pl *InterPodAffinity) mergeNamespaces(t *framework.AffinityTerm) error {
	if t.NamespaceSelector == nil || t.NamespaceSelector.Empty() {
		return nil
	}
	if pl.namespaces != nil {
		names, err := pl.namespaces.SelectNamespaces(t.NamespaceSelector)
		if err != nil {
			return fmt.Errorf("%s: selecting namespaces by %q: %w", Name, t.NamespaceSelector.String(), err)
		}
		for _, n := range names {
			t.Namespaces[n] = true
		}
	}
	t.NamespaceSelector = nil
	return nil
}

// matchesAll reports whether p matches every term (false for no terms): pod affinity wants one
// pod satisfying all of them.
func matchesAll(terms []framework.AffinityTerm, p *core.Pod, nsLabels labels.Set) bool {
	if len(terms) == 0 {
		return false
	}
	for i := range terms {
		if !terms[i].Matches(p, nsLabels) {
			return false
		}
	}
	return true
}

// matchesAny reports whether p matches any term: one is enough for anti-affinity.
func matchesAny(terms []framework.AffinityTerm, p *core.Pod, nsLabels labels.Set) bool {
	for i := range terms {
		if terms[i].Matches(p, nsLabels) {
			return true
		}
	}
	return false
}

// termKey identifies what a merged term selects, for the count cache: its namespaces, whether
// its namespace selector (empty, after merging) takes every namespace, and its selector.
func termKey(t *framework.AffinityTerm) string {
	var b strings.Builder
	if t.NamespaceSelector != nil {
		b.WriteString("*")
	}
	ns := make([]string, 0, len(t.Namespaces))
	for n := range t.Namespaces {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	b.WriteString(strings.Join(ns, ","))
	b.WriteByte(0)
	if _, ok := t.Selector.Requirements(); ok {
		b.WriteString(t.Selector.String())
	} else {
		b.WriteByte(1) // Nothing() prints like Everything().
	}
	return b.String()
}
