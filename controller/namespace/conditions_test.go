package namespace

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

var (
	t0 = meta.NewTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 = meta.NewTime(t0.Add(time.Minute))
)

func ok(t core.NamespaceConditionType, at meta.Time) core.NamespaceCondition {
	return core.NamespaceCondition{Type: t, Status: core.ConditionFalse, LastTransitionTime: at, Reason: okReasons[t], Message: okMessages[t]}
}

func allOK(at meta.Time) []core.NamespaceCondition {
	var out []core.NamespaceCondition
	for _, t := range conditionTypes {
		out = append(out, ok(t, at))
	}
	return out
}

func TestSetConditions(t *testing.T) {
	remaining := core.NamespaceCondition{Type: core.NamespaceContentRemaining, Status: core.ConditionTrue,
		Reason: "SomeResourcesRemain", Message: "Some resources are remaining: pods. has 1 resource instances"}
	remaining2 := remaining
	remaining2.Message = "Some resources are remaining: pods. has 2 resource instances"
	at := func(c core.NamespaceCondition, tm meta.Time) core.NamespaceCondition {
		c.LastTransitionTime = tm
		return c
	}
	foreign := core.NamespaceCondition{Type: "example.com/Other", Status: core.ConditionTrue, LastTransitionTime: t0}

	tests := []struct {
		name        string
		have        []core.NamespaceCondition
		failing     []core.NamespaceCondition
		want        []core.NamespaceCondition
		wantChanged bool
	}{{
		name:        "none yet: every type is added",
		want:        allOK(t1),
		wantChanged: true,
	}, {
		name: "all well, as before",
		have: allOK(t0),
		want: allOK(t0),
	}, {
		name:    "a condition turns True: its time moves",
		have:    allOK(t0),
		failing: []core.NamespaceCondition{remaining},
		want: []core.NamespaceCondition{ok(core.NamespaceDeletionDiscoveryFailure, t0), ok(core.NamespaceDeletionGVParsingFailure, t0),
			ok(core.NamespaceDeletionContentFailure, t0), at(remaining, t1), ok(core.NamespaceFinalizersRemaining, t0)},
		wantChanged: true,
	}, {
		name: "a new message keeps the time",
		have: []core.NamespaceCondition{ok(core.NamespaceDeletionDiscoveryFailure, t0), ok(core.NamespaceDeletionGVParsingFailure, t0),
			ok(core.NamespaceDeletionContentFailure, t0), at(remaining, t0), ok(core.NamespaceFinalizersRemaining, t0)},
		failing: []core.NamespaceCondition{remaining2},
		want: []core.NamespaceCondition{ok(core.NamespaceDeletionDiscoveryFailure, t0), ok(core.NamespaceDeletionGVParsingFailure, t0),
			ok(core.NamespaceDeletionContentFailure, t0), at(remaining2, t0), ok(core.NamespaceFinalizersRemaining, t0)},
		wantChanged: true,
	}, {
		name: "cleared",
		have: []core.NamespaceCondition{ok(core.NamespaceDeletionDiscoveryFailure, t0), ok(core.NamespaceDeletionGVParsingFailure, t0),
			ok(core.NamespaceDeletionContentFailure, t0), at(remaining, t0), ok(core.NamespaceFinalizersRemaining, t0)},
		want: []core.NamespaceCondition{ok(core.NamespaceDeletionDiscoveryFailure, t0), ok(core.NamespaceDeletionGVParsingFailure, t0),
			ok(core.NamespaceDeletionContentFailure, t0), ok(core.NamespaceContentRemaining, t1), ok(core.NamespaceFinalizersRemaining, t0)},
		wantChanged: true,
	}, {
		name:        "others' conditions stay",
		have:        []core.NamespaceCondition{foreign},
		want:        append([]core.NamespaceCondition{foreign}, allOK(t1)...),
		wantChanged: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status := &core.NamespaceStatus{Conditions: tt.have}
			changed := setConditions(status, tt.failing, t1)
			if changed != tt.wantChanged {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
			if diff := cmp.Diff(tt.want, status.Conditions); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPassConditions(t *testing.T) {
	tests := []struct {
		name string
		pass pass
		want []core.NamespaceCondition
	}{{
		name: "nothing left",
		pass: pass{},
	}, {
		name: "content and finalizers left, sorted",
		pass: pass{
			remaining: map[api.GroupResource]int{
				{Resource: "pods"}: 2, {Group: "apps", Resource: "deployments"}: 1, {Resource: "secrets"}: 0,
			},
			finalizers: map[string]int{"example.com/b": 1, "example.com/a": 2},
		},
		want: []core.NamespaceCondition{{
			Type: core.NamespaceContentRemaining, Status: core.ConditionTrue, Reason: "SomeResourcesRemain",
			Message: "Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances",
		}, {
			Type: core.NamespaceFinalizersRemaining, Status: core.ConditionTrue, Reason: "SomeFinalizersRemain",
			Message: "Some content in the namespace has finalizers remaining: example.com/a in 2 resource instances, example.com/b in 1 resource instances",
		}},
	}, {
		name: "failures",
		pass: pass{errs: []error{errors.New("listing b: boom"), errors.New("deleting a: forbidden")}},
		want: []core.NamespaceCondition{{
			Type: core.NamespaceDeletionContentFailure, Status: core.ConditionTrue, Reason: "ContentDeletionFailed",
			Message: "Failed to delete all resource types, 2 remaining: deleting a: forbidden, listing b: boom",
		}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.pass.conditions()); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}
