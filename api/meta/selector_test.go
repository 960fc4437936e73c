package meta

import (
	"testing"

	"github.com/skiff-io/skiff/api/labels"
)

func TestLabelSelectorAsSelector(t *testing.T) {
	cases := []struct {
		name    string
		in      *LabelSelector
		want    string
		matches labels.Set
		misses  labels.Set
		wantErr bool
	}{
		{name: "nil selects nothing", in: nil, misses: labels.Set{}},
		{name: "empty selects everything", in: &LabelSelector{}, want: "", matches: labels.Set{"a": "b"}},
		{
			name:    "labels and expressions",
			in:      &LabelSelector{MatchLabels: map[string]string{"app": "web"}, MatchExpressions: []LabelSelectorRequirement{{Key: "tier", Operator: LabelSelectorOpIn, Values: []string{"b", "a"}}, {Key: "canary", Operator: LabelSelectorOpDoesNotExist}}},
			want:    "app=web,!canary,tier in (a,b)",
			matches: labels.Set{"app": "web", "tier": "a"},
			misses:  labels.Set{"app": "web", "tier": "a", "canary": "1"},
		},
		{name: "bad operator", in: &LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "k", Operator: "Near"}}}, wantErr: true},
		{name: "in without values", in: &LabelSelector{MatchExpressions: []LabelSelectorRequirement{{Key: "k", Operator: LabelSelectorOpIn}}}, wantErr: true},
		{name: "bad key", in: &LabelSelector{MatchLabels: map[string]string{"a/b/c": "x"}}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := LabelSelectorAsSelector(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got selector %q, want an error", sel)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.in != nil && sel.String() != tc.want {
				t.Errorf("String() = %q, want %q", sel.String(), tc.want)
			}
			if tc.matches != nil && !sel.Matches(tc.matches) {
				t.Errorf("%q does not match %v", sel, tc.matches)
			}
			if tc.misses != nil && sel.Matches(tc.misses) {
				t.Errorf("%q matches %v", sel, tc.misses)
			}
		})
	}
}
