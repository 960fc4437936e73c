package meta_test

import (
	"testing"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/field/fieldtest"
	"github.com/skiff-io/skiff/api/meta"
)

func TestValidateLabelSelector(t *testing.T) {
	p := field.NewPath("spec", "selector")
	fieldtest.Expect(t, meta.ValidateLabelSelector(nil, meta.LabelSelectorOptions{}, p))
	fieldtest.Expect(t, meta.ValidateLabelSelector(&meta.LabelSelector{
		MatchLabels: map[string]string{"app": "web"},
		MatchExpressions: []meta.LabelSelectorRequirement{
			{Key: "tier", Operator: meta.LabelSelectorOpIn, Values: []string{"a", "b"}},
			{Key: "canary", Operator: meta.LabelSelectorOpDoesNotExist},
		},
	}, meta.LabelSelectorOptions{}, p))
	fieldtest.Expect(t, meta.ValidateLabelSelector(&meta.LabelSelector{
		MatchLabels: map[string]string{"bad key": "v"},
		MatchExpressions: []meta.LabelSelectorRequirement{
			{Key: "a", Operator: meta.LabelSelectorOpIn},
			{Key: "b", Operator: meta.LabelSelectorOpExists, Values: []string{"x"}},
			{Key: "c", Operator: "Like"},
			{Key: "d", Operator: meta.LabelSelectorOpNotIn, Values: []string{"not valid"}},
		},
	}, meta.LabelSelectorOptions{}, p),
		`spec.selector.matchLabels: Invalid value: "bad key"`,
		"spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
		"spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		`spec.selector.matchExpressions[2].operator: Invalid value: "Like": not a valid selector operator`,
		`spec.selector.matchExpressions[3].values[0]: Invalid value: "not valid"`)
}

func TestLabelSelectorMatches(t *testing.T) {
	labels := map[string]string{"app": "web", "tier": "frontend"}
	tests := []struct {
		name string
		sel  *meta.LabelSelector
		want bool
	}{
		{"nil matches nothing", nil, false},
		{"empty matches everything", &meta.LabelSelector{}, true},
		{"matchLabels", &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, true},
		{"matchLabels miss", &meta.LabelSelector{MatchLabels: map[string]string{"app": "db"}}, false},
		{"In", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "tier", Operator: meta.LabelSelectorOpIn, Values: []string{"frontend", "edge"}}}}, true},
		{"In missing key", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "zone", Operator: meta.LabelSelectorOpIn, Values: []string{"a"}}}}, false},
		{"NotIn missing key", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "zone", Operator: meta.LabelSelectorOpNotIn, Values: []string{"a"}}}}, true},
		{"NotIn hit", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: meta.LabelSelectorOpNotIn, Values: []string{"web"}}}}, false},
		{"Exists", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: meta.LabelSelectorOpExists}}}, true},
		{"DoesNotExist", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: meta.LabelSelectorOpDoesNotExist}}}, false},
		{"unknown operator", &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: "Like"}}}, false},
	}
	for _, tt := range tests {
		if got := meta.LabelSelectorMatches(tt.sel, labels); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
