package namespace

import (
	"fmt"
	"sort"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// conditionTypes are the namespace conditions the controller keeps, in the order it adds them.
var conditionTypes = []core.NamespaceConditionType{
	core.NamespaceDeletionDiscoveryFailure,
	core.NamespaceDeletionGVParsingFailure,
	core.NamespaceDeletionContentFailure,
	core.NamespaceContentRemaining,
	core.NamespaceFinalizersRemaining,
}

// okReasons and okMessages are what a condition says when nothing is wrong (status False), in
// Kubernetes' words.
var (
	okReasons = map[core.NamespaceConditionType]string{
		core.NamespaceDeletionDiscoveryFailure: "ResourcesDiscovered",
		core.NamespaceDeletionGVParsingFailure: "ParsedGroupVersions",
		core.NamespaceDeletionContentFailure:   "ContentDeleted",
		core.NamespaceContentRemaining:         "ContentRemoved",
		core.NamespaceFinalizersRemaining:      "ContentRemoved",
	}
	okMessages = map[core.NamespaceConditionType]string{
		core.NamespaceDeletionDiscoveryFailure: "All resources successfully discovered",
		core.NamespaceDeletionGVParsingFailure: "All legacy kube types successfully parsed",
		core.NamespaceDeletionContentFailure:   "All content successfully deleted, may be waiting on finalization",
		core.NamespaceContentRemaining:         "All content successfully removed",
		core.NamespaceFinalizersRemaining:      "All content successfully removed",
	}
)

// conditions returns the conditions the pass makes True. The kinds come from the registry, which
// cannot fail as discovery can, so the discovery and group-version conditions are never among them.
func (p *pass) conditions() []core.NamespaceCondition {
	var out []core.NamespaceCondition
	if len(p.errs) > 0 {
		out = append(out, core.NamespaceCondition{
			Type: core.NamespaceDeletionContentFailure, Status: core.ConditionTrue,
			Reason: "ContentDeletionFailed", Message: contentFailureMessage(p.errs),
		})
	}
	if msg := p.remainingMessage(); msg != "" {
		out = append(out, core.NamespaceCondition{
			Type: core.NamespaceContentRemaining, Status: core.ConditionTrue,
			Reason: "SomeResourcesRemain", Message: "Some resources are remaining: " + msg,
		})
	}
	if msg := p.finalizersMessage(); msg != "" {
		out = append(out, core.NamespaceCondition{
			Type: core.NamespaceFinalizersRemaining, Status: core.ConditionTrue,
			Reason: "SomeFinalizersRemain", Message: "Some content in the namespace has finalizers remaining: " + msg,
		})
	}
	return out
}

func contentFailureMessage(errs []error) string {
	msgs := make([]string, len(errs))
	for i, err := range errs {
		msgs[i] = err.Error()
	}
	sort.Strings(msgs)
	return fmt.Sprintf("Failed to delete all resource types, %d remaining: %s", len(errs), strings.Join(msgs, ", "))
}

// remainingMessage names the resources left and how many of each, sorted:
// "deployments.apps has 1 resource instances, pods. has 2 resource instances".
func (p *pass) remainingMessage() string {
	var parts []string
	for gr, n := range p.remaining {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s.%s has %d resource instances", gr.Resource, gr.Group, n))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// finalizersMessage names the finalizers the objects left wait for, and on how many objects,
// sorted: "example.com/hold in 1 resource instances".
func (p *pass) finalizersMessage() string {
	var parts []string
	for f, n := range p.finalizers {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s in %d resource instances", f, n))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// setConditions makes status hold every condition type the controller keeps: the True ones of
// failing, and the others False with their all-is-well reason. A condition whose status changes
// gets now as its lastTransitionTime. It reports whether status changed.
func setConditions(status *core.NamespaceStatus, failing []core.NamespaceCondition, now meta.Time) bool {
	changed := false
	for _, t := range conditionTypes {
		want := findCondition(failing, t)
		if want == nil {
			want = &core.NamespaceCondition{Type: t, Status: core.ConditionFalse, Reason: okReasons[t], Message: okMessages[t]}
		}
		have := findCondition(status.Conditions, t)
		switch {
		case have == nil:
			c := *want
			c.LastTransitionTime = now
			status.Conditions = append(status.Conditions, c)
			changed = true
		case have.Status != want.Status || have.Reason != want.Reason || have.Message != want.Message:
			if have.Status != want.Status {
				have.LastTransitionTime = now
			}
			have.Status, have.Reason, have.Message = want.Status, want.Reason, want.Message
			changed = true
		}
	}
	return changed
}

func findCondition(conds []core.NamespaceCondition, t core.NamespaceConditionType) *core.NamespaceCondition {
	for i := range conds {
		if conds[i].Type == t {
			return &conds[i]
		}
	}
	return nil
}
