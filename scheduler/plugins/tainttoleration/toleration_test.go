package tainttoleration_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/plugins/tainttoleration"
)

func TestToleratesTaint(t *testing.T) {
	taint := core.Taint{Key: "foo", Value: "bar", Effect: core.TaintEffectNoSchedule}
	tests := []struct {
		name       string
		toleration core.Toleration
		taint      core.Taint
		want       bool
	}{
		{"equal key, value and effect", core.Toleration{Key: "foo", Operator: core.TolerationOpEqual, Value: "bar", Effect: core.TaintEffectNoSchedule}, taint, true},
		{"empty operator means Equal", core.Toleration{Key: "foo", Value: "bar", Effect: core.TaintEffectNoSchedule}, taint, true},
		{"Equal with another value", core.Toleration{Key: "foo", Operator: core.TolerationOpEqual, Value: "baz", Effect: core.TaintEffectNoSchedule}, taint, false},
		{"Equal with no value against a valued taint", core.Toleration{Key: "foo", Operator: core.TolerationOpEqual, Effect: core.TaintEffectNoSchedule}, taint, false},
		{"Exists ignores the value", core.Toleration{Key: "foo", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule}, taint, true},
		{"empty effect matches every effect", core.Toleration{Key: "foo", Operator: core.TolerationOpExists}, core.Taint{Key: "foo", Effect: core.TaintEffectNoExecute}, true},
		{"another effect", core.Toleration{Key: "foo", Operator: core.TolerationOpExists, Effect: core.TaintEffectPreferNoSchedule}, taint, false},
		{"another key", core.Toleration{Key: "other", Operator: core.TolerationOpExists}, taint, false},
		{"empty key with Exists tolerates everything", core.Toleration{Operator: core.TolerationOpExists}, taint, true},
		{"empty key with Exists and an effect", core.Toleration{Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute}, taint, false},
		{"unknown operator", core.Toleration{Key: "foo", Operator: "Gt", Value: "bar"}, taint, false},
		{"valueless taint, Equal with no value", core.Toleration{Key: "foo", Operator: core.TolerationOpEqual}, core.Taint{Key: "foo", Effect: core.TaintEffectNoSchedule}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tainttoleration.ToleratesTaint(&tt.toleration, &tt.taint); got != tt.want {
				t.Errorf("ToleratesTaint(%+v, %+v) = %v, want %v", tt.toleration, tt.taint, got, tt.want)
			}
			if got := tainttoleration.TolerationsTolerateTaint([]core.Toleration{{Key: "unrelated"}, tt.toleration}, &tt.taint); got != tt.want {
				t.Errorf("TolerationsTolerateTaint = %v, want %v", got, tt.want)
			}
		})
	}
	if tainttoleration.TolerationsTolerateTaint(nil, &taint) {
		t.Error("no tolerations tolerate a taint")
	}
}

func TestFindMatchingUntoleratedTaint(t *testing.T) {
	taints := []core.Taint{
		{Key: "soft", Effect: core.TaintEffectPreferNoSchedule},
		{Key: "a", Value: "1", Effect: core.TaintEffectNoSchedule},
		{Key: "b", Value: "2", Effect: core.TaintEffectNoExecute},
	}
	tests := []struct {
		name        string
		tolerations []core.Toleration
		filter      tainttoleration.TaintFilter
		want        core.Taint
		wantFound   bool
	}{
		{name: "first untolerated among the do-not-schedule taints", filter: tainttoleration.DoNotScheduleTaints, want: taints[1], wantFound: true},
		{name: "no filter looks at every taint", want: taints[0], wantFound: true},
		{
			name:        "the first tolerated, the second is reported",
			tolerations: []core.Toleration{{Key: "a", Operator: core.TolerationOpExists}},
			filter:      tainttoleration.DoNotScheduleTaints, want: taints[2], wantFound: true,
		},
		{
			name:        "all tolerated",
			tolerations: []core.Toleration{{Key: "a", Value: "1"}, {Key: "b", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute}},
			filter:      tainttoleration.DoNotScheduleTaints,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := tainttoleration.FindMatchingUntoleratedTaint(taints, tt.tolerations, tt.filter)
			if found != tt.wantFound {
				t.Fatalf("found = %v, want %v", found, tt.wantFound)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("taint (-want +got):\n%s", diff)
			}
		})
	}
}
