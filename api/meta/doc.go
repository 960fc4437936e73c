//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// Package meta holds the metadata every Kubernetes object carries, with Kubernetes' exact JSON wire
// format: TypeMeta, ObjectMeta, ListMeta, the Status error body, LabelSelector and the RFC 3339 Time.
//
// Every API object in skiff is a pointer to a struct that embeds TypeMeta (inline) and ObjectMeta
// (under "metadata"), and so satisfies Object:
//
//	type Widget struct {
//		meta.TypeMeta   `json:",inline"`
//		meta.ObjectMeta `json:"metadata,omitempty"`
//		Spec WidgetSpec `json:"spec,omitempty"`
//	}
//
//	func (w *Widget) DeepCopyObject() meta.Object { return w.DeepCopy() }
//
//	var w meta.Object = &Widget{}
//	w.GetObjectMeta().Name = "a"
//
// Lists are generic: List[*Widget] encodes as {"apiVersion":..,"kind":"WidgetList","metadata":{..},"items":[..]}.
package meta
