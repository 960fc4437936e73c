package patch

import (
	"encoding/json"
	"slices"
	"strings"
)

const opStrategic = "strategic merge patch"

// The directives of a strategic merge patch.
const (
	directiveMarker           = "$patch"
	retainKeysDirective       = "$retainKeys"
	deleteFromPrimitivePrefix = "$deleteFromPrimitiveList/"
	setElementOrderPrefix     = "$setElementOrder/"
)

// StrategicMergePatch applies a Kubernetes strategic merge patch, the patch kubectl apply (client
// side), kubectl set image, kubectl edit and kubectl patch send by default. It is a JSON merge
// patch in which schema decides how lists merge:
//
//   - a list with patchStrategy merge and a patchMergeKey (containers by name, ports by
//     containerPort, conditions by type, ...) merges item by item: a patch item updates the item
//     with the same key, or is added;
//   - a list with patchStrategy merge and no key (finalizers) is a set: patch items are added;
//   - any other list (tolerations, args, taints) is replaced by the patch's list;
//   - maps merge recursively and null deletes, as in a JSON merge patch; fields the schema does
//     not know merge the same way.
//
// Directives change that per value: {"$patch": "replace"} replaces a map, or (as a list item) the
// whole list; {"$patch": "delete"} empties a map, or (as a list item with the merge key) deletes
// that item; "$deleteFromPrimitiveList/<list>": [...] removes values from a set;
// "$setElementOrder/<list>": [...] orders the merged list; "$retainKeys": [...] clears every key
// of a map it does not name. "$patch": "merge" is rejected, as Kubernetes rejects it: merging is
// a property of the field, not something a patch can ask for.
//
// Result lists are ordered as Kubernetes orders them: items the patch names in the patch's (or
// $setElementOrder's) order, items only the original has in their original order, the two
// interleaved by original position, so a new container lands before the existing ones it does
// not mention.
//
// Errors wrap ErrInvalidPatch and name the path in the patch, e.g.
// "strategic merge patch: spec.containers[1]: list item has no merge key \"name\"". An empty
// original is treated as {}.
func StrategicMergePatch(original, patch []byte, schema *Schema) ([]byte, error) {
	if schema == nil {
		return nil, &Error{Op: opStrategic, Msg: "no schema: a strategic merge patch needs the kind's schema", Err: ErrInvalidPatch}
	}
	doc, err := parseDocument(original, opStrategic)
	if err != nil {
		return nil, err
	}
	docMap, ok := doc.(map[string]any)
	if !ok {
		return nil, &Error{Op: opStrategic, Msg: "document: " + article(kindOf(doc)) + ", not an object", Err: ErrInvalidDocument}
	}
	p, err := parseJSON(patch)
	if err != nil {
		return nil, &Error{Op: opStrategic, Msg: err.Error(), Err: ErrInvalidPatch}
	}
	pm, ok := p.(map[string]any)
	if !ok {
		return nil, &Error{Op: opStrategic, Msg: "a strategic merge patch is an object, not " + article(kindOf(p)), Err: ErrInvalidPatch}
	}
	out, err := smpMergeMap(docMap, pm, schema.place)
	if err != nil {
		return nil, finish(err, opStrategic)
	}
	return encodeJSON(out), nil
}

// smpMergeMap merges patch into original, which it may change and return. f is the place of the
// map in the schema (nil when unknown).
func smpMergeMap(original, patch map[string]any, f *field) (map[string]any, error) {
	if d, ok := patch[directiveMarker]; ok {
		switch d {
		case "replace":
			// Take the patch's map as the value, with its own directives and nulls resolved.
			rest := make(map[string]any, len(patch))
			for k, v := range patch {
				if k != directiveMarker {
					rest[k] = v
				}
			}
			return smpMergeMap(map[string]any{}, rest, f)
		case "delete":
			return map[string]any{}, nil
		case "merge":
			return nil, at(invalidf(`"$patch": "merge" is not a directive a patch can give: maps always merge, and lists merge when their field says so`), directiveMarker)
		default:
			return nil, at(invalidf("unknown patch directive %s: it must be replace or delete", brief(d)), directiveMarker)
		}
	}
	if original == nil {
		original = map[string]any{}
	}
	if err := smpRetainKeys(original, patch); err != nil {
		return nil, err
	}
	// $setElementOrder lists merge their list themselves, and remove both from patch.
	var orderKeys, deleteKeys, keys []string
	for k := range patch {
		switch {
		case strings.HasPrefix(k, "$setElementOrder"):
			orderKeys = append(orderKeys, k)
		case strings.HasPrefix(k, "$deleteFromPrimitiveList"):
			deleteKeys = append(deleteKeys, k)
		default:
			keys = append(keys, k)
		}
	}
	slices.Sort(orderKeys)
	handled := map[string]bool{}
	for _, k := range orderKeys {
		name, ok := strings.CutPrefix(k, setElementOrderPrefix)
		if !ok || name == "" {
			return nil, at(invalidf("a $setElementOrder directive is written $setElementOrder/<list field>"), k)
		}
		if err := smpSetElementOrder(original, patch, name, patch[k], f.lookup(name)); err != nil {
			return nil, at(err, k)
		}
		handled[name] = true
	}
	// Keys merge in a fixed order, deletions from sets last, so a patch means one thing.
	slices.Sort(keys)
	slices.Sort(deleteKeys)
	for _, k := range append(keys, deleteKeys...) {
		v := patch[k]
		name, isDelete := k, false
		if strings.HasPrefix(k, "$deleteFromPrimitiveList") {
			var ok bool
			if name, ok = strings.CutPrefix(k, deleteFromPrimitivePrefix); !ok || name == "" {
				return nil, at(invalidf("a $deleteFromPrimitiveList directive is written $deleteFromPrimitiveList/<list field>"), k)
			}
			isDelete = true
		} else if handled[k] {
			continue
		}
		child := f.lookup(name)
		if v == nil {
			delete(original, name)
			continue
		}
		cur, exists := original[name]
		if isDelete {
			list, ok := v.([]any)
			if !ok {
				return nil, at(invalidf("%s must be a list, not %s", k, article(kindOf(v))), k)
			}
			if child != nil && (child.kind() != kindList || !child.merge) {
				return nil, at(invalidf("the list does not have patchStrategy merge, so it is not a set to delete from"), k)
			}
			curList, ok := cur.([]any)
			if !exists || !ok {
				continue
			}
			out, err := smpDeleteFromSet(curList, list)
			if err != nil {
				return nil, at(err, k)
			}
			original[name] = out
			continue
		}
		merged, err := smpMergeValue(cur, exists, v, child)
		if err != nil {
			return nil, at(err, k)
		}
		original[name] = merged
	}
	return original, nil
}

// smpMergeValue merges the patch value v into cur (when exists) at place f.
func smpMergeValue(cur any, exists bool, v any, f *field) (any, error) {
	switch pv := v.(type) {
	case map[string]any:
		cm, ok := cur.(map[string]any)
		if !exists || !ok || (f != nil && f.replace) {
			// A new or replaced map is the patch's, directives resolved and nulls dropped.
			cm = nil
		}
		return smpMergeMap(cm, pv, f)
	case []any:
		cl, ok := cur.([]any)
		if exists && ok && f != nil && f.merge {
			return smpMergeList(cl, pv, f)
		}
		if f != nil && f.merge {
			return smpMergeList(nil, pv, f)
		}
		return smpCleanList(pv, f)
	default:
		return v, nil
	}
}

// smpCleanList resolves directives and drops nulls inside the maps of a list that replaces
// another, as a typed decode of Kubernetes' result would.
func smpCleanList(list []any, f *field) (any, error) {
	var item *field
	if f != nil {
		item = f.item
	}
	out := make([]any, len(list))
	for i, e := range list {
		switch ev := e.(type) {
		case map[string]any:
			m, err := smpMergeMap(nil, ev, item)
			if err != nil {
				return nil, atIndex(err, i)
			}
			out[i] = m
		case []any:
			l, err := smpCleanList(ev, item)
			if err != nil {
				return nil, atIndex(err, i)
			}
			out[i] = l
		default:
			out[i] = e
		}
	}
	return out, nil
}

// smpRetainKeys applies a $retainKeys directive: keys of original it does not name are cleared,
// and the patch may only set keys it names.
func smpRetainKeys(original, patch map[string]any) error {
	raw, ok := patch[retainKeysDirective]
	if !ok {
		return nil
	}
	delete(patch, retainKeysDirective)
	list, ok := raw.([]any)
	if !ok {
		return at(invalidf("$retainKeys must be a list of field names, not %s", article(kindOf(raw))), retainKeysDirective)
	}
	keep := map[string]bool{}
	for _, k := range list {
		if s, ok := k.(string); ok {
			keep[s] = true
		}
	}
	for k, v := range patch {
		if v == nil || strings.HasPrefix(k, "$") {
			continue
		}
		if !keep[k] {
			return at(invalidf("the patch sets %q, which $retainKeys does not list", k), retainKeysDirective)
		}
	}
	for k := range original {
		if !keep[k] {
			delete(original, k)
		}
	}
	return nil
}

// listKind checks that the items of lists are all objects or all primitives (never lists), and
// says which.
func listKind(lists ...[]any) (objects bool, err error) {
	seen := ""
	for _, l := range lists {
		for i, e := range l {
			k := kindOf(e)
			if k == "array" {
				return false, atIndex(invalidf("lists of lists cannot be merged"), i)
			}
			if k == "null" {
				k = seen // a null item goes with anything
			}
			if seen == "" {
				seen = k
			} else if k != seen && k != "" {
				return false, atIndex(invalidf("list items must all have one type: %s after %s", kindOf(e), seen), i)
			}
		}
	}
	return seen == "object", nil
}

// smpMergeList merges a patch list into a list whose field has patchStrategy merge.
func smpMergeList(original, patch []any, f *field) ([]any, error) {
	if len(original) == 0 && len(patch) == 0 {
		if original == nil {
			return []any{}, nil
		}
		return original, nil
	}
	objects, err := listKind(original, patch)
	if err != nil {
		return nil, err
	}
	if !objects {
		// A set of primitives: add what the patch adds, keep one of each.
		merged := dedupe(append(slices.Clip(original), patch...))
		return orderMerged(merged, patch, original, identity), nil
	}
	key := f.mergeKey
	if key == "" {
		return nil, invalidf("the list has patchStrategy merge but no patchMergeKey, so its objects cannot be matched")
	}
	keyOf := mergeKeyOf(key)
	// Directives first: deletions take items out of the original, a replace item makes the rest
	// of the patch the whole list.
	var plain []any
	var plainAt []int // where each plain item is in the patch, for errors
	replace := false
	for i, e := range patch {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, atIndex(invalidf("list item must be an object, not %s", article(kindOf(e))), i)
		}
		d, ok := m[directiveMarker]
		if !ok {
			plain = append(plain, e)
			plainAt = append(plainAt, i)
			continue
		}
		switch d {
		case "delete":
			kv, ok := m[key]
			if !ok {
				return nil, atIndex(invalidf("a $patch: delete item needs the merge key %q", key), i)
			}
			original = slices.DeleteFunc(slices.Clip(original), func(o any) bool {
				om, ok := o.(map[string]any)
				if !ok {
					return false
				}
				ov, ok := om[key]
				return ok && deepEqual(ov, kv)
			})
		case "replace":
			replace = true
		case "merge":
			return nil, atIndex(invalidf(`"$patch": "merge" is not a directive a patch can give: the list merges because its field says so`), i)
		default:
			return nil, atIndex(invalidf("unknown patch directive %s: it must be replace or delete", brief(d)), i)
		}
	}
	if replace {
		original = nil
	}
	merged := slices.Clip(original)
	index := map[itemKey]int{}
	for i, o := range merged {
		if k, ok := keyOf(o); ok {
			if _, dup := index[k]; !dup {
				index[k] = i
			}
		}
	}
	for i, e := range plain {
		m := e.(map[string]any) // checked above
		k, ok := keyOf(m)
		if !ok {
			return nil, atIndex(invalidf("list item has no merge key %q", key), plainAt[i])
		}
		if j, found := index[k]; found {
			om, _ := merged[j].(map[string]any)
			out, err := smpMergeMap(om, m, f.item)
			if err != nil {
				return nil, atIndex(err, plainAt[i])
			}
			merged[j] = out
			continue
		}
		out, err := smpMergeMap(nil, m, f.item)
		if err != nil {
			return nil, atIndex(err, plainAt[i])
		}
		index[k] = len(merged)
		merged = append(merged, out)
	}
	if replace {
		return merged, nil
	}
	return orderMerged(merged, plain, original, keyOf), nil
}

// smpDeleteFromSet removes every value listed from a set of primitives.
func smpDeleteFromSet(current, remove []any) ([]any, error) {
	for i, r := range remove {
		if k := kindOf(r); k == "object" || k == "array" {
			return nil, atIndex(invalidf("$deleteFromPrimitiveList lists primitive values, not %s", article(k)), i)
		}
	}
	gone := make(map[itemKey]bool, len(remove))
	for _, r := range remove {
		gone[keyOfValue(r)] = true
	}
	out := make([]any, 0, len(current))
	for _, c := range current {
		if !gone[keyOfValue(c)] {
			out = append(out, c)
		}
	}
	return out, nil
}

// smpSetElementOrder merges the list name (if the patch has it) and orders the result by the
// $setElementOrder list: items it names in its order, the original's other items where they were.
func smpSetElementOrder(original, patch map[string]any, name string, rawOrder any, f *field) error {
	order, ok := rawOrder.([]any)
	if !ok {
		return invalidf("$setElementOrder must be a list, not %s", article(kindOf(rawOrder)))
	}
	cur, hasOriginal := original[name]
	pv, hasPatch := patch[name]
	delete(patch, name)
	var curList, patchList []any
	if hasOriginal {
		if curList, ok = cur.([]any); !ok {
			if !hasPatch {
				return nil
			}
			hasOriginal = false
		}
	}
	if hasPatch {
		if pv == nil {
			delete(original, name)
			return nil
		}
		if patchList, ok = pv.([]any); !ok {
			return invalidf("%s is %s in the patch but $setElementOrder orders a list", name, article(kindOf(pv)))
		}
	}
	key := ""
	if f != nil {
		key = f.mergeKey
	}
	keyOf := identity
	if key != "" {
		keyOf = mergeKeyOf(key)
	}
	if err := checkOrder(patchList, order, key, keyOf); err != nil {
		return err
	}
	var merged []any
	switch {
	case hasOriginal && hasPatch:
		v, err := smpMergeValue(curList, true, patchList, f)
		if err != nil {
			return at(err, name)
		}
		merged, _ = v.([]any)
	case hasPatch:
		v, err := smpMergeValue(nil, false, patchList, f)
		if err != nil {
			return at(err, name)
		}
		merged, _ = v.([]any)
	case hasOriginal:
		merged = curList
	default:
		return nil
	}
	original[name] = orderMerged(merged, order, curList, keyOf)
	return nil
}

// checkOrder verifies that the patch list names its items in the order $setElementOrder gives,
// and names no item it leaves out.
func checkOrder(patchList, order []any, key string, keyOf keyFunc) error {
	for i, o := range order {
		if _, ok := keyOf(o); !ok {
			return atIndex(invalidf("$setElementOrder item has no merge key %q", key), i)
		}
	}
	j := 0
	for i, p := range patchList {
		if m, ok := p.(map[string]any); ok {
			if _, directive := m[directiveMarker]; directive {
				continue
			}
		}
		pk, ok := keyOf(p)
		if !ok {
			return atIndex(invalidf("list item has no merge key %q", key), i)
		}
		matched := false
		for j < len(order) && !matched {
			ordered, _ := keyOf(order[j])
			matched = ordered == pk
			j++
		}
		if !matched {
			return atIndex(invalidf("the patch list's items are not in the order, or not among the items, $setElementOrder gives"), i)
		}
	}
	return nil
}

// itemKey identifies a list item for matching: its value, or its merge key's value. Strings are
// kept as they are (the common case costs nothing); other values by their JSON.
type itemKey struct {
	kind byte
	s    string
}

func keyOfValue(v any) itemKey {
	switch v := v.(type) {
	case string:
		return itemKey{'s', v}
	case json.Number:
		return itemKey{'n', string(v)}
	default:
		return itemKey{'j', string(encodeJSON(v))}
	}
}

type keyFunc func(any) (itemKey, bool)

// identity keys a primitive list item by its value.
func identity(v any) (itemKey, bool) { return keyOfValue(v), true }

// mergeKeyOf keys an object list item by its merge key's value.
func mergeKeyOf(key string) keyFunc {
	return func(v any) (itemKey, bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return itemKey{}, false
		}
		kv, ok := m[key]
		if !ok {
			return itemKey{}, false
		}
		return keyOfValue(kv), true
	}
}

// dedupe keeps the first of equal primitive items.
func dedupe(list []any) []any {
	seen := make(map[itemKey]bool, len(list))
	out := list[:0]
	for _, e := range list {
		k := keyOfValue(e)
		if !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// positions maps each key to where it first appears in list.
func positions(list []any, keyOf keyFunc) map[itemKey]int {
	pos := make(map[itemKey]int, len(list))
	for i, v := range list {
		if k, ok := keyOf(v); ok {
			if _, dup := pos[k]; !dup {
				pos[k] = i
			}
		}
	}
	return pos
}

// orderMerged orders a merged list as Kubernetes does. Items named by patchOrder come in its
// order, the rest in their order in serverOrder (the original list). The two runs are then
// interleaved: a server item goes first only while it stood, in the original, before the next
// patch item; a patch item the original did not have goes as soon as it is reached.
func orderMerged(merged, patchOrder, serverOrder []any, keyOf keyFunc) []any {
	patchPos := positions(patchOrder, keyOf)
	serverPos := positions(serverOrder, keyOf)
	type ranked struct {
		v      any
		rank   int // position in the order its run is sorted by
		server int // position in the original, or -1
	}
	var fromPatch, serverOnly []ranked
	for _, m := range merged {
		k, ok := keyOf(m)
		sp, inServer := serverPos[k]
		if !ok || !inServer {
			sp = -1
		}
		if pp, inPatch := patchPos[k]; ok && inPatch {
			fromPatch = append(fromPatch, ranked{m, pp, sp})
		} else {
			rank := sp
			if rank < 0 {
				rank = len(serverOrder) // unknown items go last, in their current order
			}
			serverOnly = append(serverOnly, ranked{m, rank, sp})
		}
	}
	byRank := func(a, b ranked) int { return a.rank - b.rank }
	slices.SortStableFunc(fromPatch, byRank)
	slices.SortStableFunc(serverOnly, byRank)

	out := make([]any, 0, len(merged))
	i, j := 0, 0
	for i < len(serverOnly) || j < len(fromPatch) {
		switch {
		case i == len(serverOnly):
			out = append(out, fromPatch[j].v)
			j++
		case j == len(fromPatch):
			out = append(out, serverOnly[i].v)
			i++
		case serverOnly[i].server >= 0 && fromPatch[j].server >= 0 && serverOnly[i].server < fromPatch[j].server:
			out = append(out, serverOnly[i].v)
			i++
		default:
			out = append(out, fromPatch[j].v)
			j++
		}
	}
	return out
}
