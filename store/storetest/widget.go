package storetest

import (
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// Widget is the kind the suite stores: small, with a spec worth comparing, and registered like any
// custom kind a user adds.
type Widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            WidgetSpec `json:"spec,omitempty"`
}

// WidgetSpec is the Widget's payload.
type WidgetSpec struct {
	Color string            `json:"color,omitempty"`
	Count int64             `json:"count,omitempty"`
	Tags  []string          `json:"tags,omitempty"`
	Attrs map[string]string `json:"attrs,omitempty"`
	// Padding makes objects as large as a test wants.
	Padding string `json:"padding,omitempty"`
}

// DeepCopyObject returns a deep copy.
func (w *Widget) DeepCopyObject() meta.Object { return w.DeepCopy() }

// DeepCopy returns a deep copy.
func (w *Widget) DeepCopy() *Widget {
	if w == nil {
		return nil
	}
	out := *w
	w.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Spec.Tags = append([]string(nil), w.Spec.Tags...)
	if w.Spec.Attrs != nil {
		out.Spec.Attrs = make(map[string]string, len(w.Spec.Attrs))
		for k, v := range w.Spec.Attrs {
			out.Spec.Attrs[k] = v
		}
	}
	return &out
}

// WidgetResource is the resource name of Widgets in store keys.
const WidgetResource = "widgets"

// Codec returns a registry that knows Widgets, to build the store under test with.
func Codec() *api.Registry {
	r := api.NewRegistry()
	if err := api.Register(r, api.KindSpec[*Widget]{
		Group: "storetest.skiff.io", Version: "v1", Kind: "Widget", Resource: WidgetResource, Namespaced: true,
	}); err != nil {
		panic(err)
	}
	return r
}

// NewWidget returns a widget named name in namespace ns.
func NewWidget(ns, name string) *Widget {
	return &Widget{ObjectMeta: meta.ObjectMeta{Namespace: ns, Name: name, UID: meta.UID("uid-" + ns + "-" + name)}, Spec: WidgetSpec{Color: "red"}}
}

// Key returns the store key of the widget ns/name.
func Key(ns, name string) string {
	return store.Key("storetest.skiff.io/"+WidgetResource, ns, name)
}
