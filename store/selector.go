package store

import (
	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
)

// SelectorFilter returns the Filter a list or watch with a label selector and a field selector uses,
// as kube-apiserver's storage applies them. fieldsOf returns the fields an object exposes to field
// selectors (api.Kind.FieldSet gives metadata.name, metadata.namespace and the kind's own); nil
// means only those two. Empty or nil selectors select everything; both empty gives a nil Filter,
// which costs nothing.
func SelectorFilter(label labels.Selector, field fields.Selector, fieldsOf func(meta.Object) fields.Set) Filter {
	useLabels := label != nil && !label.Empty()
	useFields := field != nil && !field.Empty()
	if !useLabels && !useFields {
		return nil
	}
	return func(obj meta.Object) bool {
		m := obj.GetObjectMeta()
		if useLabels && !label.Matches(labels.Set(m.Labels)) {
			return false
		}
		if useFields {
			var set fields.Set
			if fieldsOf != nil {
				set = fieldsOf(obj)
			} else {
				set = fields.Set{"metadata.name": m.Name, "metadata.namespace": m.Namespace}
			}
			if !field.Matches(set) {
				return false
			}
		}
		return true
	}
}
