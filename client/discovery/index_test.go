package discovery

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The priority rules on data no skiff server produces: groups out of alphabetical order, preferred
// versions that are not listed first, resources only in old versions, servers without singular
// names.
func TestIndexPriority(t *testing.T) {
	gv := func(group, version string) GroupVersionForDiscovery {
		return GroupVersionForDiscovery{GroupVersion: group + "/" + version, Version: version}
	}
	res := func(name, kind string, short ...string) APIResource {
		return APIResource{Name: name, SingularName: "", Kind: kind, Namespaced: true, ShortNames: short}
	}
	groups := &APIGroupList{Groups: []APIGroup{
		{Name: "zeta.example", Versions: []GroupVersionForDiscovery{gv("zeta.example", "v1"), gv("zeta.example", "v2")},
			PreferredVersion: gv("zeta.example", "v2")},
		{Name: "alpha.example", Versions: []GroupVersionForDiscovery{gv("alpha.example", "v1")}}, // no preferred version
	}}
	lists := []*APIResourceList{
		{GroupVersion: "zeta.example/v1", APIResources: []APIResource{res("widgets", "Widget", "w"), res("oldthings", "OldThing")}},
		{GroupVersion: "zeta.example/v2", APIResources: []APIResource{res("widgets", "Widget", "w"), res("widgets/status", "Widget")}},
		{GroupVersion: "alpha.example/v1", APIResources: []APIResource{res("widgets", "Widget", "w"), res("gizmos", "Gizmo", "w")}},
	}
	x := newIndex(groups, lists)
	m := func(group, version, kind, resource string) Mapping {
		return Mapping{Group: group, Version: version, Kind: kind, Resource: resource, Namespaced: true}
	}
	for _, tc := range []struct {
		arg  string
		want Mapping
	}{
		{"widgets", m("zeta.example", "v2", "Widget", "widgets")},          // the first group listed, its preferred version
		{"widget", m("zeta.example", "v2", "Widget", "widgets")},           // singular guessed from the kind
		{"w", m("zeta.example", "v2", "Widget", "widgets")},                // an ambiguous short name: the first group's
		{"w.alpha.example", m("alpha.example", "v1", "Widget", "widgets")}, // the first resource of the group with it
		{"widgets.alpha", m("alpha.example", "v1", "Widget", "widgets")},
		{"widgets.v1.zeta.example", m("zeta.example", "v1", "Widget", "widgets")},
		{"Widget.v1.zeta.example", m("zeta.example", "v1", "Widget", "widgets")},
		{"oldthings", m("zeta.example", "v1", "OldThing", "oldthings")}, // only in a version that is not preferred
		{"gizmo", m("alpha.example", "v1", "Gizmo", "gizmos")},
	} {
		got, err := x.mappingFor(tc.arg)
		if err != nil {
			t.Errorf("%q: %v", tc.arg, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.arg, diff)
		}
	}
	for _, arg := range []string{"widgets/status", "status", "widgets.v3.zeta.example"} {
		if _, err := x.mappingFor(arg); !errors.Is(err, ErrNoMatch) {
			t.Errorf("%q: %v, want ErrNoMatch", arg, err)
		}
	}
	got, err := x.resourceFor("zeta.example", "Widget", nil)
	if err != nil || got != m("zeta.example", "v2", "Widget", "widgets") {
		t.Errorf("resourceFor Widget: %+v %v", got, err)
	}
}
