package patch

import (
	"slices"
	"strconv"
)

// The walks in this file give server-side apply structured-merge-diff's view of a document: which
// paths a value sets (toSet), how an applied configuration merges into a live object (mergeTyped),
// which paths changed between two objects (compareTyped) and how owned paths come out of an
// object (removePaths). They never change their inputs: results share unchanged subtrees with them.

// isLeaf reports whether apply owns the value at f as one field rather than field by field.
func isLeaf(f *field) bool {
	if f == nil || f.schema == nil || f.atomic {
		return true
	}
	switch f.schema.kind {
	case kindStruct, kindMap:
		return false
	case kindList:
		return f.listType == listAtomic
	}
	return true
}

// itemPE names item v of the list at f: by its keys in a map list, by value in a set. An item that
// cannot be keyed is an error when strict, and named by its index otherwise, so that a live object
// that breaks the rules is still handled, item by item.
func itemPE(f *field, v any, i int, strict bool) (pathElement, error) {
	switch f.listType {
	case listMap:
		m, ok := v.(map[string]any)
		if !ok {
			if strict {
				return pathElement{}, invalidf("items of this list are objects keyed by %v, not %s", f.listKeys, article(kindOf(v)))
			}
			return pathElement{'i', strconv.Itoa(i)}, nil
		}
		key := make(map[string]any, len(f.listKeys))
		for _, k := range f.listKeys {
			kv, ok := m[k]
			if !ok || kv == nil {
				var d any
				if kf := f.item.lookup(k); kf != nil {
					d = kf.defaultValue
				}
				if d == nil {
					if strict {
						return pathElement{}, invalidf("list item omits key field %q, which has no default", k)
					}
					return pathElement{'i', strconv.Itoa(i)}, nil
				}
				kv = d
			}
			if kind := kindOf(kv); kind == "object" || kind == "array" {
				if strict {
					return pathElement{}, invalidf("key field %q is %s; keys are strings, numbers or booleans", k, article(kind))
				}
				return pathElement{'i', strconv.Itoa(i)}, nil
			}
			key[k] = kv
		}
		return pathElement{'k', string(encodeJSON(key))}, nil
	case listSet:
		if k := kindOf(v); strict && (k == "object" || k == "array") {
			return pathElement{}, invalidf("items of this set are primitive values, not %s", article(k))
		}
		return pathElement{'v', string(encodeJSON(v))}, nil
	}
	return pathElement{'i', strconv.Itoa(i)}, nil
}

// listPEs names every item of l, refusing (when strict) two items with one name.
func listPEs(f *field, l []any, strict bool) ([]pathElement, error) {
	pes := make([]pathElement, len(l))
	seen := make(map[pathElement]bool, len(l))
	for i, item := range l {
		pe, err := itemPE(f, item, i, strict)
		if err != nil {
			return nil, atIndex(err, i)
		}
		if seen[pe] && strict {
			return nil, atIndex(invalidf("duplicate entries for key %s", pe), i)
		}
		seen[pe] = true
		pes[i] = pe
	}
	return pes, nil
}

func extend(path []pathElement, pe pathElement) []pathElement {
	return append(path[:len(path):len(path)], pe)
}

// toSet returns the paths value v sets, as structured-merge-diff's ToFieldSet does: leaves, list
// items, map entries, and struct fields set to null or {}. strict rejects fields the schema does
// not declare and lists it cannot key, as apply does for a configuration; otherwise (for live
// objects) such values are owned whole.
func toSet(v any, f *field, strict bool) (fieldSet, error) {
	var s fieldSet
	err := collect(v, f, nil, &s, strict)
	return s, err
}

func collect(v any, f *field, path []pathElement, s *fieldSet, strict bool) error {
	insert := func(p []pathElement) {
		if len(p) > 0 {
			*s = s.insert(p)
		}
	}
	if isLeaf(f) {
		insert(path)
		return nil
	}
	switch f.schema.kind {
	case kindStruct, kindMap:
		m, ok := v.(map[string]any)
		if !ok {
			if v != nil && strict {
				return invalidf("expected an object, not %s", article(kindOf(v)))
			}
			insert(path)
			return nil
		}
		keys := mapKeys(m)
		if strict {
			// Report the first bad field in a fixed order, so the same configuration always gets
			// the same error.
			slices.Sort(keys)
		}
		for _, k := range keys {
			cv := m[k]
			child := f.lookup(k)
			cpath := extend(path, fieldPE(k))
			if child == nil {
				if strict {
					return at(invalidf("field not declared in schema"), k)
				}
				insert(cpath)
				continue
			}
			if err := collect(cv, child, cpath, s, strict); err != nil {
				return at(err, k)
			}
			if cm, isMap := cv.(map[string]any); cv == nil || (isMap && len(cm) == 0) || f.schema.kind == kindMap {
				insert(cpath)
			}
		}
	case kindList:
		l, ok := v.([]any)
		if !ok {
			if v != nil && strict {
				return invalidf("expected a list, not %s", article(kindOf(v)))
			}
			insert(path)
			return nil
		}
		pes, err := listPEs(f, l, strict)
		if err != nil {
			return err
		}
		for i, item := range l {
			cpath := extend(path, pes[i])
			if err := collect(item, f.item, cpath, s, strict); err != nil {
				return atIndex(err, i)
			}
			insert(cpath)
		}
	}
	return nil
}

// mergeTyped merges an applied configuration into a live value: the configuration wins for every
// field it sets, struct and map fields merge key by key, keyed lists item by item. A null in the
// configuration stays null here, so that changing another manager's field to null conflicts as
// it does in Kubernetes; dropConfigNulls removes it from the final object. The configuration must
// have passed toSet (strict).
func mergeTyped(live, config any, f *field) any {
	if isLeaf(f) {
		return config
	}
	switch f.schema.kind {
	case kindStruct, kindMap:
		cm, ok := config.(map[string]any)
		if !ok {
			return config
		}
		lm, _ := live.(map[string]any)
		out := make(map[string]any, len(lm)+len(cm))
		for k, v := range lm {
			out[k] = v
		}
		for k, cv := range cm {
			if cv == nil {
				out[k] = nil
				continue
			}
			out[k] = mergeTyped(lm[k], cv, f.lookup(k))
		}
		return out
	case kindList:
		cl, ok := config.([]any)
		if !ok {
			return config
		}
		ll, _ := live.([]any)
		return mergeList(ll, cl, f)
	}
	return config
}

// mergeList merges keyed list items. The result keeps the live order for items only the live
// list has and the configuration's order for its own items, interleaving them as
// structured-merge-diff does: walking both lists, an item only the live list has is kept where it
// is, and a shared item is placed where the configuration puts it.
func mergeList(live, config []any, f *field) []any {
	lpe, _ := listPEs(f, live, false)
	cpe, _ := listPEs(f, config, false)
	liveAt := make(map[pathElement]int, len(live))
	for i, pe := range lpe {
		if _, dup := liveAt[pe]; !dup {
			liveAt[pe] = i
		}
	}
	inConfig := make(map[pathElement]bool, len(config))
	var shared []pathElement // items both have, in configuration order
	for _, pe := range cpe {
		inConfig[pe] = true
		if _, ok := liveAt[pe]; ok {
			shared = append(shared, pe)
		}
	}
	nextShared := 0
	done := make(map[pathElement]bool, len(config))
	out := make([]any, 0, max(len(live), len(config)))
	takeConfig := func(ri int) {
		pe := cpe[ri]
		var lv any
		if li, ok := liveAt[pe]; ok {
			lv = live[li]
		}
		out = append(out, mergeTyped(lv, config[ri], f.item))
		done[pe] = true
		if nextShared < len(shared) && shared[nextShared] == pe {
			nextShared++
		}
	}
	li, ri := 0, 0
	for li < len(live) || ri < len(config) {
		if li < len(live) && ri < len(config) {
			if lpe[li] == cpe[ri] {
				takeConfig(ri)
				li++
				ri++
				continue
			}
			if inConfig[lpe[li]] && nextShared < len(shared) && shared[nextShared] != lpe[li] {
				li++ // a shared item the configuration places later
				continue
			}
		}
		if li < len(live) {
			if !inConfig[lpe[li]] {
				out = append(out, live[li])
				li++
				continue
			}
			if done[lpe[li]] || ri == len(config) {
				li++
				continue
			}
		}
		if ri < len(config) {
			takeConfig(ri)
			ri++
		}
	}
	return out
}

// changes holds what compareTyped found: paths added, changed in value, and removed.
type changes struct {
	added, modified, removed fieldSet
}

// compareTyped records the paths that differ between old and new.
func compareTyped(old, new any, f *field) changes {
	var c changes
	c.walk(old, new, true, true, f, nil)
	return c
}

func (c *changes) walk(o, n any, hasO, hasN bool, f *field, path []pathElement) {
	mark := func(s *fieldSet) {
		if len(path) > 0 {
			*s = s.insert(path)
		}
	}
	leaf := isLeaf(f)
	if !leaf {
		// A value of the wrong shape (which typed objects never have) is compared whole.
		switch f.schema.kind {
		case kindStruct, kindMap:
			leaf = !isMapOrAbsent(o, hasO) || !isMapOrAbsent(n, hasN)
		case kindList:
			leaf = !isListOrAbsent(o, hasO) || !isListOrAbsent(n, hasN)
		}
	}
	if leaf {
		switch {
		case !hasO && !hasN:
		case !hasO:
			mark(&c.added)
		case !hasN:
			mark(&c.removed)
		case !deepEqual(o, n):
			mark(&c.modified)
		}
		return
	}
	// A null struct, map or list has no fields. Going from null to a value adds the fields but not
	// the struct itself, as structured-merge-diff tells a null from an absent value; and null and
	// absent count as the same, since a typed object stores one as the other.
	switch f.schema.kind {
	case kindStruct, kindMap:
		om, _ := o.(map[string]any)
		nm, _ := n.(map[string]any)
		for k, ov := range om {
			nv, ok := nm[k]
			c.walk(ov, nv, true, ok, f.lookup(k), extend(path, fieldPE(k)))
		}
		for k, nv := range nm {
			if _, ok := om[k]; !ok {
				c.walk(nil, nv, false, true, f.lookup(k), extend(path, fieldPE(k)))
			}
		}
	case kindList:
		ol, _ := o.([]any)
		nl, _ := n.([]any)
		ope, _ := listPEs(f, ol, false)
		npe, _ := listPEs(f, nl, false)
		newAt := make(map[pathElement]int, len(nl))
		for i, pe := range npe {
			newAt[pe] = i
		}
		oldAt := make(map[pathElement]int, len(ol))
		for i, pe := range ope {
			oldAt[pe] = i
			if j, ok := newAt[pe]; ok {
				c.walk(ol[i], nl[j], true, true, f.item, extend(path, pe))
			} else {
				c.walk(ol[i], nil, true, false, f.item, extend(path, pe))
			}
		}
		for j, pe := range npe {
			if _, ok := oldAt[pe]; !ok {
				c.walk(nil, nl[j], false, true, f.item, extend(path, pe))
			}
		}
	}
	switch {
	case !hasO && hasN && n != nil:
		mark(&c.added)
	case hasO && o != nil && !hasN:
		mark(&c.removed)
	}
}

func isMapOrAbsent(v any, has bool) bool {
	if !has || v == nil {
		return true
	}
	_, ok := v.(map[string]any)
	return ok
}

func isListOrAbsent(v any, has bool) bool {
	if !has || v == nil {
		return true
	}
	_, ok := v.([]any)
	return ok
}

// removePaths returns v without the values at the member paths of s (with everything under them).
func removePaths(v any, s fieldSet, f *field) any {
	if s.empty() || isLeaf(f) {
		return v
	}
	switch f.schema.kind {
	case kindStruct, kindMap:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		for k, cv := range m {
			out[k] = cv
		}
		for pe, n := range s {
			if pe.kind != 'f' {
				continue
			}
			cv, ok := m[pe.text]
			if !ok {
				continue
			}
			if n.member {
				delete(out, pe.text)
			} else {
				out[pe.text] = removePaths(cv, n.children, f.lookup(pe.text))
			}
		}
		return out
	case kindList:
		l, ok := v.([]any)
		if !ok {
			return v
		}
		pes, _ := listPEs(f, l, false)
		out := make([]any, 0, len(l))
		for i, item := range l {
			n := s[pes[i]]
			switch {
			case n == nil:
				out = append(out, item)
			case n.member:
			default:
				out = append(out, removePaths(item, n.children, f.item))
			}
		}
		return out
	}
	return v
}

// withNamedFields returns s with every struct field that has members below it made a member
// itself, as structured-merge-diff's EnsureNamedFieldsAreMembers does before pruning: a struct
// field is then removed when no one owns anything in it any more.
func withNamedFields(s fieldSet, f *field) fieldSet {
	if s.empty() {
		return nil
	}
	out := make(fieldSet, len(s))
	for pe, n := range s {
		var child *field
		if !isLeaf(f) {
			switch f.schema.kind {
			case kindStruct, kindMap:
				if pe.kind == 'f' {
					child = f.lookup(pe.text)
				}
			case kindList:
				child = f.item
			}
		}
		c := withNamedFields(n.children, child)
		named := !isLeaf(f) && f.schema.kind == kindStruct && pe.kind == 'f' && f.schema.fields[pe.text] != nil
		out[pe] = &setNode{member: n.member || (named && len(c) > 0), children: c}
	}
	return out
}

func mapKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}

// dropConfigNulls removes, from the merged object v, the nulls an applied configuration set: a
// null field means "not set", which is how the object is stored.
func dropConfigNulls(v, config any) any {
	switch c := config.(type) {
	case map[string]any:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		for k, mv := range m {
			out[k] = mv
		}
		for k, cv := range c {
			switch {
			case cv == nil:
				if mv, ok := out[k]; ok && mv == nil {
					delete(out, k)
				}
			case isContainer(cv):
				if mv, ok := out[k]; ok {
					out[k] = dropConfigNulls(mv, cv)
				}
			}
		}
		return out
	case []any:
		// Items were matched by key; rather than match them again, clear nulls in every item.
		l, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(l))
		for i, item := range l {
			out[i] = dropNulls(item)
		}
		return out
	}
	return v
}

// dropNulls removes every null object member in v.
func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if e != nil {
				out[k] = dropNulls(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = dropNulls(e)
		}
		return out
	}
	return v
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}
