package patch

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// The operations recorded in managedFields entries.
const (
	// OperationApply marks fields a manager declared with server-side apply.
	OperationApply = "Apply"
	// OperationUpdate marks fields a manager changed by create, update or patch.
	OperationUpdate = "Update"
)

// beforeFirstApply is the manager Kubernetes credits with every field of an object that has no
// managedFields when it is first applied, so that the first apply conflicts on what it changes.
const beforeFirstApply = "before-first-apply"

// manager is one managedFields entry, decoded.
type manager struct {
	name, operation, apiVersion, subresource string
	time                                     string // RFC 3339, as stored
	set                                      fieldSet
}

// key identifies a manager as kube-apiserver does: appliers by name, updaters by name and the
// version they wrote, each per subresource. The time is never part of it.
func (m *manager) key() string {
	v := ""
	if m.operation != OperationApply {
		v = m.apiVersion
	}
	return m.name + "\x00" + m.operation + "\x00" + m.subresource + "\x00" + v
}

type managers map[string]*manager

// decodeManagers reads metadata.managedFields of obj. Entries naming the same manager are merged.
func decodeManagers(obj map[string]any) (managers, error) {
	out := managers{}
	raw, ok := metadataOf(obj)["managedFields"]
	if !ok || raw == nil {
		return out, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("metadata.managedFields is %s, not a list", article(kindOf(raw)))
	}
	for i, e := range list {
		em, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("metadata.managedFields[%d] is %s, not an object", i, article(kindOf(e)))
		}
		str := func(k string) (string, error) {
			v, ok := em[k]
			if !ok || v == nil {
				return "", nil
			}
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("metadata.managedFields[%d].%s is %s, not a string", i, k, article(kindOf(v)))
			}
			return s, nil
		}
		m := &manager{}
		var err error
		for _, f := range []struct {
			name string
			dst  *string
		}{{"manager", &m.name}, {"operation", &m.operation}, {"apiVersion", &m.apiVersion}, {"subresource", &m.subresource}, {"time", &m.time}} {
			if *f.dst, err = str(f.name); err != nil {
				return nil, err
			}
		}
		ft, err := str("fieldsType")
		if err != nil {
			return nil, err
		}
		if ft != "" && ft != "FieldsV1" {
			return nil, fmt.Errorf("metadata.managedFields[%d].fieldsType is %q; only FieldsV1 is understood", i, ft)
		}
		if fv, ok := em["fieldsV1"]; ok && fv != nil {
			if m.set, err = decodeFieldsV1(fv); err != nil {
				return nil, fmt.Errorf("metadata.managedFields[%d].fieldsV1: %w", i, err)
			}
		}
		if prev, ok := out[m.key()]; ok {
			prev.set = union(prev.set, m.set)
			prev.time = max(prev.time, m.time)
			continue
		}
		out[m.key()] = m
	}
	return out, nil
}

// encode returns the managedFields list, ordered as Kubernetes orders it: by operation (Apply
// first), time, manager, apiVersion and subresource. Managers that own nothing are left out.
func (ms managers) encode() []any {
	list := make([]*manager, 0, len(ms))
	for _, m := range ms {
		if !m.set.empty() {
			list = append(list, m)
		}
	}
	slices.SortFunc(list, func(a, b *manager) int {
		return cmp.Or(
			cmp.Compare(a.operation, b.operation),
			cmp.Compare(unixSeconds(a.time), unixSeconds(b.time)),
			cmp.Compare(a.name, b.name),
			cmp.Compare(a.apiVersion, b.apiVersion),
			cmp.Compare(a.subresource, b.subresource),
		)
	})
	out := make([]any, len(list))
	for i, m := range list {
		e := map[string]any{
			"manager":    m.name,
			"operation":  m.operation,
			"fieldsType": "FieldsV1",
			"fieldsV1":   fieldSetValue(m.set),
		}
		if m.apiVersion != "" {
			e["apiVersion"] = m.apiVersion
		}
		if m.time != "" {
			e["time"] = m.time
		}
		if m.subresource != "" {
			e["subresource"] = m.subresource
		}
		out[i] = e
	}
	return out
}

func unixSeconds(rfc3339 string) int64 {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		return 0
	}
	return t.Unix()
}

// fieldSetValue is the FieldsV1 trie of s as a JSON value.
func fieldSetValue(s fieldSet) map[string]any {
	out := make(map[string]any, len(s))
	for pe, n := range s {
		child := fieldSetValue(n.children)
		if n.member && len(n.children) > 0 {
			child["."] = map[string]any{}
		}
		out[string(pe.kind)+":"+pe.text] = child
	}
	return out
}

// metadataOf returns obj's metadata, or an empty map.
func metadataOf(obj map[string]any) map[string]any {
	m, _ := obj["metadata"].(map[string]any)
	if m == nil {
		return map[string]any{}
	}
	return m
}

// withManagedFields returns a copy of obj whose metadata.managedFields is list (removed when empty).
func withManagedFields(obj map[string]any, list []any) map[string]any {
	out := make(map[string]any, len(obj)+1)
	for k, v := range obj {
		out[k] = v
	}
	meta := make(map[string]any)
	for k, v := range metadataOf(obj) {
		meta[k] = v
	}
	if len(list) > 0 {
		meta["managedFields"] = list
	} else {
		delete(meta, "managedFields")
	}
	out["metadata"] = meta
	return out
}

// strippedPaths are the fields no manager owns: identity and bookkeeping the server sets, as
// kube-apiserver's field manager strips them.
var strippedPaths = func() fieldSet {
	var s fieldSet
	for _, p := range [][]string{
		{"apiVersion"}, {"kind"}, {"metadata"},
		{"metadata", "name"}, {"metadata", "namespace"}, {"metadata", "creationTimestamp"},
		{"metadata", "selfLink"}, {"metadata", "uid"}, {"metadata", "clusterName"},
		{"metadata", "generation"}, {"metadata", "managedFields"}, {"metadata", "resourceVersion"},
	} {
		path := make([]pathElement, len(p))
		for i, name := range p {
			path[i] = fieldPE(name)
		}
		s = s.insert(path)
	}
	return s
}()

func strip(s fieldSet) fieldSet { return difference(s, strippedPaths) }
