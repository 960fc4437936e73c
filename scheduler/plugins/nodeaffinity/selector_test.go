package nodeaffinity_test

import (
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/scheduler/plugins/nodeaffinity"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func req(key string, op core.NodeSelectorOperator, vals ...string) core.NodeSelectorRequirement {
	return core.NodeSelectorRequirement{Key: key, Operator: op, Values: vals}
}

// exprs is a term of label expressions.
func exprs(rs ...core.NodeSelectorRequirement) core.NodeSelectorTerm {
	return core.NodeSelectorTerm{MatchExpressions: rs}
}

// names is a term of metadata.name In requirements, one per value list.
func names(lists ...[]string) core.NodeSelectorTerm {
	var t core.NodeSelectorTerm
	for _, l := range lists {
		t.MatchFields = append(t.MatchFields, req(nodeaffinity.ObjectNameField, core.NodeSelectorOpIn, l...))
	}
	return t
}

func selector(terms ...core.NodeSelectorTerm) *core.NodeSelector {
	return &core.NodeSelector{NodeSelectorTerms: terms}
}

func TestNodeSelectorMatch(t *testing.T) {
	node := schedulertest.MakeNode().Name("node1").Label("foo", "bar").Label("kernel-version", "0206").
		Label("GPU", "NVIDIA-GRID-K1").Label("empty", "").Obj()
	tests := []struct {
		name    string
		sel     *core.NodeSelector
		want    bool
		wantErr string
	}{
		{name: "In", sel: selector(exprs(req("foo", core.NodeSelectorOpIn, "bar", "value2"))), want: true},
		{name: "In, no value matches", sel: selector(exprs(req("foo", core.NodeSelectorOpIn, "value1", "value2")))},
		{name: "In on a missing label", sel: selector(exprs(req("zone", core.NodeSelectorOpIn, "a")))},
		{name: "NotIn", sel: selector(exprs(req("foo", core.NodeSelectorOpNotIn, "DDR", "DDR2"))), want: true},
		{name: "NotIn on a missing label matches", sel: selector(exprs(req("mem-type", core.NodeSelectorOpNotIn, "DDR"))), want: true},
		{name: "NotIn the value", sel: selector(exprs(req("foo", core.NodeSelectorOpNotIn, "bar")))},
		{name: "Exists", sel: selector(exprs(req("GPU", core.NodeSelectorOpExists))), want: true},
		{name: "Exists on a label with an empty value", sel: selector(exprs(req("empty", core.NodeSelectorOpExists))), want: true},
		{name: "DoesNotExist", sel: selector(exprs(req("GPU", core.NodeSelectorOpDoesNotExist)))},
		{name: "DoesNotExist on a missing label", sel: selector(exprs(req("TPU", core.NodeSelectorOpDoesNotExist))), want: true},
		{name: "Gt, numerically (0206 > 0204)", sel: selector(exprs(req("kernel-version", core.NodeSelectorOpGt, "0204"))), want: true},
		{name: "Gt, not greater", sel: selector(exprs(req("kernel-version", core.NodeSelectorOpGt, "206")))},
		{name: "Lt", sel: selector(exprs(req("kernel-version", core.NodeSelectorOpLt, "300"))), want: true},
		{name: "Gt on a label that is no number", sel: selector(exprs(req("foo", core.NodeSelectorOpGt, "1")))},
		{name: "Gt on a missing label", sel: selector(exprs(req("cores", core.NodeSelectorOpGt, "1")))},
		{name: "expressions are ANDed", sel: selector(exprs(req("GPU", core.NodeSelectorOpExists), req("GPU", core.NodeSelectorOpNotIn, "AMD", "INTER"))), want: true},
		{name: "expressions are ANDed, one fails", sel: selector(exprs(req("GPU", core.NodeSelectorOpExists), req("GPU", core.NodeSelectorOpIn, "AMD", "INTER")))},
		{name: "terms are ORed", sel: selector(exprs(req("foo", core.NodeSelectorOpIn, "x")), exprs(req("foo", core.NodeSelectorOpIn, "bar"))), want: true},
		{name: "no terms match nothing", sel: selector()},
		{name: "an empty term matches nothing", sel: selector(core.NodeSelectorTerm{})},
		{name: "an empty term does not stop another from matching", sel: selector(core.NodeSelectorTerm{}, exprs(req("foo", core.NodeSelectorOpExists))), want: true},
		{name: "metadata.name In", sel: selector(names([]string{"node1"})), want: true},
		{name: "metadata.name In another", sel: selector(names([]string{"node2"}))},
		{name: "metadata.name NotIn another", sel: selector(core.NodeSelectorTerm{MatchFields: []core.NodeSelectorRequirement{req(nodeaffinity.ObjectNameField, core.NodeSelectorOpNotIn, "node2")}}), want: true},
		{name: "fields and expressions are ANDed", sel: selector(core.NodeSelectorTerm{MatchFields: names([]string{"node1"}).MatchFields, MatchExpressions: []core.NodeSelectorRequirement{req("foo", core.NodeSelectorOpIn, "x")}})},
		{name: "an unknown field reads as empty", sel: selector(core.NodeSelectorTerm{MatchFields: []core.NodeSelectorRequirement{req("metadata.uid", core.NodeSelectorOpIn, "")}}), want: true},
		{
			name:    "an unknown operator spoils its term only",
			sel:     selector(exprs(req("foo", "Near", "bar")), exprs(req("foo", core.NodeSelectorOpIn, "bar"))),
			want:    true,
			wantErr: `nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: "Near": supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"`,
		},
		{
			name:    "an invalid value makes the term match nothing",
			sel:     selector(exprs(req("foo", core.NodeSelectorOpNotIn, "invalid value: ___@#$%^"))),
			wantErr: `nodeSelectorTerms[0].matchExpressions[0]: Invalid value: `,
		},
		{
			name:    "In without values",
			sel:     selector(exprs(req("foo", core.NodeSelectorOpIn))),
			wantErr: `nodeSelectorTerms[0].matchExpressions[0]: Invalid value: `,
		},
		{
			name:    "a field requirement with two values",
			sel:     selector(names([]string{"node1", "node2"})),
			wantErr: `nodeSelectorTerms[0].matchFields[0].values: Invalid value: []string{"node1", "node2"}: must have one element`,
		},
		{
			name:    "a field requirement with Exists",
			sel:     selector(core.NodeSelectorTerm{MatchFields: []core.NodeSelectorRequirement{req(nodeaffinity.ObjectNameField, core.NodeSelectorOpExists)}}),
			wantErr: `nodeSelectorTerms[0].matchFields[0].operator: Unsupported value: "Exists": supported values: "In", "NotIn"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := nodeaffinity.ParseNodeSelector(tt.sel, nil)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if got := sel.Match(node); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNodeSelectorQuirks(t *testing.T) {
	// Kubernetes skips field requirements on a node without a name: there is nothing to test.
	sel, err := nodeaffinity.ParseNodeSelector(selector(names([]string{"node1"})), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sel.Match(&core.Node{}) {
		t.Error("a nameless node should pass matchFields")
	}
	if sel.Match(nil) {
		t.Error("a nil node matches nothing")
	}
	if s, err := nodeaffinity.ParseNodeSelector(nil, nil); err != nil || s.Match(&core.Node{}) {
		t.Errorf("a nil selector: %v, %v", s, err)
	}
	// Errors carry the path the caller gives.
	_, err = nodeaffinity.ParseNodeSelector(selector(core.NodeSelectorTerm{}, exprs(req("a", "Near"))), field.NewPath("spec"))
	if want := "spec.nodeSelectorTerms[1].matchExpressions[0].operator"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want one starting %q", err, want)
	}
}

func TestPreferredSchedulingTerms(t *testing.T) {
	node := schedulertest.MakeNode().Name("node1").Label("foo", "bar").Label("key", "value").Obj()
	terms := []core.PreferredSchedulingTerm{
		{Weight: 2, Preference: exprs(req("foo", core.NodeSelectorOpIn, "bar"))},
		{Weight: 4, Preference: exprs(req("key", core.NodeSelectorOpIn, "value"))},
		{Weight: 8, Preference: exprs(req("az", core.NodeSelectorOpIn, "az1"))},
		{Weight: 0, Preference: exprs(req("foo", core.NodeSelectorOpExists))},
		{Weight: 16, Preference: core.NodeSelectorTerm{}},
		{Weight: 32, Preference: names([]string{"node1"})},
	}
	p, err := nodeaffinity.ParsePreferredSchedulingTerms(terms, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Score(node); got != 2+4+32 {
		t.Errorf("Score = %d, want 38", got)
	}
	var none *nodeaffinity.PreferredSchedulingTerms
	if none.Score(node) != 0 {
		t.Error("a nil PreferredSchedulingTerms scores 0")
	}
	bad := append(terms, core.PreferredSchedulingTerm{Weight: 1, Preference: exprs(req("foo", "Near"))})
	if p, err := nodeaffinity.ParsePreferredSchedulingTerms(bad, field.NewPath("preferred")); p != nil || err == nil ||
		!strings.HasPrefix(err.Error(), "preferred[6].preference.matchExpressions[0].operator: Unsupported value") {
		t.Errorf("ParsePreferredSchedulingTerms(bad) = %v, %v", p, err)
	}
}

func TestRequiredNodeAffinity(t *testing.T) {
	node := schedulertest.MakeNode().Name("node1").Label("foo", "bar").Label("zone", "a").Obj()
	tests := []struct {
		name    string
		pod     *core.Pod
		want    bool
		wantErr bool
	}{
		{name: "no requirements", pod: schedulertest.MakePod().Obj(), want: true},
		{name: "nodeSelector matches", pod: schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar", "zone": "a"}).Obj(), want: true},
		{name: "nodeSelector wants more labels", pod: schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar", "baz": "blah"}).Obj()},
		{name: "nodeSelector wants an empty value the node lacks", pod: schedulertest.MakePod().NodeSelector(map[string]string{"gpu": ""}).Obj()},
		{
			name: "nodeSelector and affinity both match",
			pod:  schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar"}).RequiredNodeSelectorTerm(exprs(req("foo", core.NodeSelectorOpExists))).Obj(),
			want: true,
		},
		{
			name: "affinity matches, nodeSelector does not",
			pod:  schedulertest.MakePod().NodeSelector(map[string]string{"foo": "barrrrrr"}).RequiredNodeSelectorTerm(exprs(req("foo", core.NodeSelectorOpExists))).Obj(),
		},
		{
			name: "an affinity with no terms matches nothing",
			pod:  schedulertest.MakePod().Affinity(&core.Affinity{NodeAffinity: &core.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &core.NodeSelector{}}}).Obj(),
		},
		{
			name:    "a bad term is reported",
			pod:     schedulertest.MakePod().RequiredNodeSelectorTerm(exprs(req("foo", "Near", "bar"))).Obj(),
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := nodeaffinity.NewRequiredNodeAffinity(tt.pod)
			if got := r.Match(node); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
			if (r.Err() != nil) != tt.wantErr {
				t.Errorf("Err = %v", r.Err())
			}
		})
	}
}

func BenchmarkRequiredNodeAffinityMatch(b *testing.B) {
	node := schedulertest.MakeNode().Name("node1").Label("zone", "z2").Label("arch", "amd64").Label("pool", "general").Obj()
	pod := schedulertest.MakePod().NodeSelector(map[string]string{"arch": "amd64"}).
		RequiredNodeSelectorTerm(exprs(req("zone", core.NodeSelectorOpIn, "z1", "z2", "z3"), req("pool", core.NodeSelectorOpNotIn, "gpu"))).Obj()
	r := nodeaffinity.NewRequiredNodeAffinity(pod)
	b.ReportAllocs()
	for b.Loop() {
		if !r.Match(node) {
			b.Fatal("no match")
		}
	}
}
