package openapi

import (
	"encoding/json"
	"testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
)

// Widget is a custom kind, registered from Go as a skiff user registers one. Its fields exercise
// every rule the schemas follow.
type Widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            WidgetSpec   `json:"spec"`
	Status          WidgetStatus `json:"status,omitempty"`
}

func (w *Widget) DeepCopyObject() meta.Object {
	c := *w
	return &c
}

// WidgetSpec is what a widget should be.
type WidgetSpec struct {
	// Size is how big the widget is.
	Size  int32   `json:"size"`
	Color *string `json:"color,omitempty"`
	// Parts merge by name.
	Parts []WidgetPart `json:"parts,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
	Tags  []string     `json:"tags,omitempty" patchStrategy:"merge"`
	// Ports is a map list with two keys, as its tags say.
	Ports  []core.ContainerPort `json:"ports,omitempty" patchStrategy:"merge" patchMergeKey:"containerPort" listType:"map" listMapKeys:"containerPort,protocol"`
	Labels map[string]string    `json:"labels,omitempty" mapType:"atomic"`
	// Mode defaults to Fast.
	Mode           string                 `json:"mode,omitempty" default:"Fast"`
	Retries        int32                  `json:"retries,omitempty" default:"3"`
	Owners         []core.ObjectReference `json:"owners,omitempty" structType:"atomic"`
	Reference      *core.ObjectReference  `json:"reference,omitempty" structType:"atomic"`
	Limits         core.ResourceList      `json:"limits,omitempty"`
	MaxUnavailable *intstr.IntOrString    `json:"maxUnavailable,omitempty"`
	Config         json.RawMessage        `json:"config,omitempty"`
	Extra          any                    `json:"extra,omitempty"`
	Count          int64                  `json:"count,omitempty,string"`
	Secret         []byte                 `json:"secret,omitempty"`
	Deadline       *meta.Time             `json:"deadline,omitempty"`
	Ratio          float64                `json:"ratio,omitempty"`
	Enabled        bool                   `json:"enabled,omitempty"`
	Window         struct {
		Start string `json:"start"`
		End   string `json:"end,omitempty"`
	} `json:"window,omitzero"`
	Next         *WidgetSpec `json:"next,omitempty"`
	Internal     string      `json:"-"`
	hidden       string
	WidgetCommon `json:",inline"`
	*WidgetExtra
}

// WidgetCommon is inlined into WidgetSpec.
type WidgetCommon struct {
	Owner string `json:"owner"`
}

// WidgetExtra is embedded by pointer without a tag: inlined too.
type WidgetExtra struct {
	Note string `json:"note,omitempty"`
}

// WidgetPart is one part of a widget.
type WidgetPart struct {
	Name   string `json:"name"`
	Weight int32  `json:"weight,omitempty"`
}

// WidgetStatus is what a widget is.
type WidgetStatus struct {
	Ready bool `json:"ready"`
}

// widgetDef is the definition name of Widget: the reverse domain of this package.
const widgetDef = "com.github.skiff-io.skiff.apiserver.openapi.Widget"

// testRegistry returns Kubernetes' kinds and Widget.
func testRegistry(t testing.TB) *api.Registry {
	t.Helper()
	reg := api.Builtin()
	if err := api.Register(reg, api.KindSpec[*Widget]{
		Group: "example.com", Version: "v1", Kind: "Widget", Resource: "widgets", Singular: "widget",
		ShortNames: []string{"wd"}, Namespaced: true, Subresources: []string{"status", "scale"},
	}); err != nil {
		t.Fatal(err)
	}
	return reg
}
