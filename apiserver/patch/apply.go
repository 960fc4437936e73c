package patch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"time"

	"sigs.k8s.io/yaml"
)

const (
	opApply  = "apply"
	opUpdate = "managed fields"
)

// FieldManager does server-side apply and the managedFields bookkeeping of ordinary writes for one
// kind. The zero value is not usable: Schema is required.
type FieldManager struct {
	// Schema is the kind's schema, from SchemaFor.
	Schema *Schema
	// Now stamps the time of changed managedFields entries; time.Now when nil. Tests inject a
	// fixed clock so that results are reproducible.
	Now func() time.Time
	// Ignored lists fields (paths of JSON names, each with everything under it) that no manager
	// owns through this FieldManager and that never conflict: Kubernetes' reset fields, such as
	// {{"status"}} for the main resource of a kind with a status subresource and {{"spec"}} for
	// its /status. Resetting their values is the caller's, as in a strategy's PrepareForUpdate.
	Ignored [][]string
}

// ignore removes the ignored fields, with everything under them, from s.
func (m FieldManager) ignore(s fieldSet) fieldSet {
	for _, p := range m.Ignored {
		if len(p) == 0 {
			continue
		}
		path := make([]pathElement, len(p))
		for i, name := range p {
			path[i] = fieldPE(name)
		}
		s = withoutSubtree(s, path)
	}
	return s
}

// Apply is FieldManager{Schema: schema}.Apply.
func Apply(live, applied []byte, schema *Schema, manager string, force bool) ([]byte, error) {
	return FieldManager{Schema: schema}.Apply(live, applied, manager, force)
}

// UpdateManagedFields is FieldManager{Schema: schema}.Update.
func UpdateManagedFields(oldObj, newObj []byte, manager, operation string, schema *Schema) ([]byte, error) {
	return FieldManager{Schema: schema}.Update(oldObj, newObj, manager, operation)
}

func (m FieldManager) now() string {
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	return now().UTC().Truncate(time.Second).Format(time.RFC3339)
}

// Apply is server-side apply (PATCH with Content-Type application/apply-patch+yaml). applied is
// the manager's whole intent for the object, as YAML or JSON, with apiVersion and kind; live is
// the stored object as JSON, or nil to create the object from applied. The result is the object to
// store, its metadata.managedFields updated.
//
// The configuration merges into the live object as structured-merge-diff merges it: fields it
// sets win, keyed lists merge by their keys (listMapKeys or patchMergeKey), sets by value, and
// atomic lists, maps and structs are replaced whole. The manager then owns exactly the fields of
// the configuration. A field it applied last time and leaves out now is removed, unless another
// manager owns it too. Changing a field another manager owns to a different value is a conflict:
// Apply returns a *ConflictError (wrapping ErrConflict) and changes nothing, unless force is set,
// in which case the field moves to this manager. Setting a field to the value it already has is
// not a conflict: both managers own it.
//
// The first apply to an object that has no managedFields credits its existing fields to a
// "before-first-apply" manager, as Kubernetes does, so that it conflicts on what it changes.
//
// A configuration with fields the schema does not declare, list items without their keys, or
// metadata.managedFields is rejected with ErrInvalidPatch, naming the path.
func (m FieldManager) Apply(live, applied []byte, manager string, force bool) ([]byte, error) {
	out, err := m.apply(live, applied, manager, force)
	if err != nil {
		return nil, finish(err, opApply)
	}
	return out, nil
}

func (m FieldManager) apply(liveJSON, applied []byte, managerName string, force bool) ([]byte, error) {
	if m.Schema == nil {
		return nil, invalidf("no schema: apply needs the kind's schema")
	}
	if managerName == "" {
		return nil, invalidf("a field manager name is required")
	}
	config, err := decodeApplied(applied)
	if err != nil {
		return nil, err
	}
	apiVersion, _ := config["apiVersion"].(string)
	kind, _ := config["kind"].(string)
	if apiVersion == "" {
		return nil, at(invalidf("the configuration must set apiVersion"), "apiVersion")
	}
	if kind == "" {
		return nil, at(invalidf("the configuration must set kind"), "kind")
	}
	if mf, ok := metadataOf(config)["managedFields"]; ok && mf != nil {
		return nil, at(at(invalidf("must be nil: managedFields are the server's to write"), "managedFields"), "metadata")
	}

	var live map[string]any
	var ms managers
	creating := len(bytes.TrimSpace(liveJSON)) == 0
	if creating {
		live = map[string]any{}
		ms = managers{}
	} else {
		v, err := parseJSON(liveJSON)
		if err != nil {
			return nil, documentError(opApply, err)
		}
		var ok bool
		if live, ok = v.(map[string]any); !ok {
			return nil, documentError(opApply, fmt.Errorf("%s, not an object", article(kindOf(v))))
		}
		for _, k := range []string{"apiVersion", "kind"} {
			have, _ := live[k].(string)
			if want, _ := config[k].(string); have != "" && have != want {
				return nil, at(invalidf("the configuration's %s %q does not match the object's %q: apply does not convert between versions or kinds", k, want, have), k)
			}
		}
		if ms, err = decodeManagers(live); err != nil {
			return nil, documentError(opApply, err)
		}
		live = withManagedFields(live, nil)
		if len(ms) == 0 {
			// As Kubernetes does, record the object as if before-first-apply had created it.
			ch := compareTyped(zeroObject(m.Schema), live, m.Schema.place)
			if owned := m.ignore(strip(union(ch.added, ch.modified))); !owned.empty() {
				apiV, _ := live["apiVersion"].(string)
				b := &manager{name: beforeFirstApply, operation: OperationUpdate, apiVersion: apiV, set: owned, time: m.now()}
				ms[b.key()] = b
			}
		}
	}

	configSet, err := toSet(config, m.Schema.place, true)
	if err != nil {
		return nil, err
	}
	configSet = m.ignore(strip(configSet))

	merged, _ := mergeTyped(live, config, m.Schema.place).(map[string]any)

	me := &manager{name: managerName, operation: OperationApply, apiVersion: apiVersion}
	var lastSet fieldSet
	if prev, ok := ms[me.key()]; ok {
		lastSet = prev.set
		me.time = prev.time
	}
	me.set = configSet
	ms[me.key()] = me

	if !lastSet.empty() {
		var owned fieldSet
		for _, mgr := range ms {
			owned = union(owned, mgr.set)
		}
		// Most applies repeat what the manager applied before: then nothing is disowned and the
		// full prune (four walks of the object) can be skipped.
		if !difference(lastSet, owned).empty() {
			merged = m.prune(merged, owned, lastSet)
		}
	}

	ch := compareTyped(live, merged, m.Schema.place)
	ch.removed = m.ignore(ch.removed)
	changed := m.ignore(union(ch.modified, ch.added))
	var conflicts []Conflict
	for _, k := range sortedManagerKeys(ms) {
		other := ms[k]
		if other == me {
			continue
		}
		c := intersection(other.set, changed)
		if c.empty() {
			continue
		}
		c.members(func(path []pathElement) {
			conflicts = append(conflicts, Conflict{Manager: other.name, Operation: other.operation, APIVersion: other.apiVersion, Path: pathString(path)})
		})
		other.set = difference(other.set, c)
	}
	if len(conflicts) > 0 && !force {
		return nil, &ConflictError{Conflicts: conflicts}
	}
	for _, other := range ms {
		if other != me {
			other.set = strip(difference(other.set, ch.removed))
		}
	}
	merged, _ = dropConfigNulls(merged, config).(map[string]any)
	if me.time == "" || !equalSets(me.set, lastSet) || !deepEqual(live, merged) {
		me.time = m.now()
	}
	return encodeJSON(withManagedFields(merged, ms.encode())), nil
}

// prune removes what the manager applied last time and no longer applies, unless some manager
// (the applier included) still owns it. It follows structured-merge-diff's three steps: remove
// everything last applied; add back what is owned; then make sure that only paths from the last
// applied set were removed, so that fields no one owns (defaults, say) stay.
func (m FieldManager) prune(merged map[string]any, owned, lastSet fieldSet) map[string]any {
	root := m.Schema.place
	last := withNamedFields(lastSet, root)
	owned = withNamedFields(owned, root)
	setOf := func(v any) fieldSet {
		s, _ := toSet(v, root, false)
		return withNamedFields(s, root)
	}
	mergedSet := setOf(merged)
	pruned := removePaths(merged, last, root)
	pruned = removePaths(merged, difference(mergedSet, union(setOf(pruned), owned)), root)
	out := removePaths(merged, intersection(difference(mergedSet, setOf(pruned)), last), root)
	result, _ := out.(map[string]any)
	return result
}

// Update records, in newObj's managedFields, the fields an ordinary write (create, update or a
// non-apply patch) by manager changed between oldObj and newObj, and returns newObj with them.
// The manager comes to own every field it added or changed, and other managers lose those fields
// and every field it removed; it loses nothing it did not touch. oldObj is nil for a create.
// operation must be OperationUpdate (or empty, meaning the same).
//
// As in Kubernetes, managedFields that newObj sets explicitly are taken as given (an empty list
// resets them), and managedFields newObj leaves out are carried over from oldObj, so a client that
// does not know about them cannot drop them.
func (m FieldManager) Update(oldObj, newObj []byte, manager, operation string) ([]byte, error) {
	out, err := m.update(oldObj, newObj, manager, operation)
	if err != nil {
		return nil, finish(err, opUpdate)
	}
	return out, nil
}

func (m FieldManager) update(oldJSON, newJSON []byte, managerName, operation string) ([]byte, error) {
	ms, stripped, err := m.updateManagers(oldJSON, newJSON, managerName, operation)
	if err != nil {
		return nil, err
	}
	return encodeJSON(withManagedFields(stripped, ms.encode())), nil
}

// ManagedFields is Update without the object: it returns only the new metadata.managedFields, as
// a JSON array, for a caller that holds the object in another form and would otherwise decode the
// whole result again just to find them.
func (m FieldManager) ManagedFields(oldObj, newObj []byte, manager, operation string) ([]byte, error) {
	ms, _, err := m.updateManagers(oldObj, newObj, manager, operation)
	if err != nil {
		return nil, finish(err, opUpdate)
	}
	entries := ms.encode()
	if entries == nil {
		return []byte("[]"), nil
	}
	return encodeJSON(entries), nil
}

func (m FieldManager) updateManagers(oldJSON, newJSON []byte, managerName, operation string) (managers, map[string]any, error) {
	if m.Schema == nil {
		return nil, nil, invalidf("no schema: managed fields need the kind's schema")
	}
	if operation == "" {
		operation = OperationUpdate
	}
	if operation != OperationUpdate {
		return nil, nil, invalidf("operation %q: only %q is recorded here; apply goes through Apply", operation, OperationUpdate)
	}
	if managerName == "" {
		return nil, nil, invalidf("a field manager name is required")
	}
	nv, err := parseJSON(newJSON)
	if err != nil {
		return nil, nil, &Error{Msg: "new object: " + err.Error(), Err: ErrInvalidPatch}
	}
	newObj, ok := nv.(map[string]any)
	if !ok {
		return nil, nil, invalidf("the new object is %s, not an object", article(kindOf(nv)))
	}
	var oldObj map[string]any
	if len(bytes.TrimSpace(oldJSON)) == 0 {
		// A create compares against the kind's empty object, as Kubernetes does: struct fields that
		// always encode ("spec": {}) are not the creator's, pointers and maps it fills in are.
		oldObj = zeroObject(m.Schema)
	} else {
		ov, err := parseJSON(oldJSON)
		if err != nil {
			return nil, nil, documentError(opUpdate, err)
		}
		if oldObj, ok = ov.(map[string]any); !ok {
			return nil, nil, documentError(opUpdate, fmt.Errorf("%s, not an object", article(kindOf(ov))))
		}
	}

	ms := m.managersForUpdate(oldObj, newObj)
	oldObj = withManagedFields(oldObj, nil)
	stripped := withManagedFields(newObj, nil)

	ch := compareTyped(oldObj, stripped, m.Schema.place)
	ch.removed = m.ignore(ch.removed)
	changed := m.ignore(strip(union(ch.modified, ch.added)))
	for _, other := range ms {
		other.set = strip(difference(difference(other.set, changed), ch.removed))
	}
	apiVersion, _ := newObj["apiVersion"].(string)
	if apiVersion == "" {
		apiVersion, _ = oldObj["apiVersion"].(string)
	}
	if !changed.empty() {
		me := &manager{name: managerName, operation: OperationUpdate, apiVersion: apiVersion}
		if prev, ok := ms[me.key()]; ok {
			me = prev
		}
		me.set = union(me.set, changed)
		me.time = m.now()
		ms[me.key()] = me
	}
	return ms, stripped, nil
}

// managersForUpdate picks the managedFields an update starts from: newObj's when it sets them
// (an empty list, or one empty entry, resets them), oldObj's otherwise.
func (m FieldManager) managersForUpdate(oldObj, newObj map[string]any) managers {
	if raw, ok := metadataOf(newObj)["managedFields"]; ok && raw != nil {
		if list, ok := raw.([]any); ok {
			if len(list) == 0 {
				return managers{}
			}
			if e, ok := list[0].(map[string]any); ok && len(list) == 1 && len(e) == 0 {
				return managers{}
			}
		}
		if ms, err := decodeManagers(newObj); err == nil && len(ms) > 0 {
			return ms
		}
	}
	ms, err := decodeManagers(oldObj)
	if err != nil {
		// Kubernetes starts afresh rather than fail every write to an object with broken managedFields.
		return managers{}
	}
	return ms
}

// zeroObject is the JSON of the schema type's zero value.
func zeroObject(s *Schema) map[string]any {
	raw, err := jsonMarshal(reflect.New(s.typ).Interface())
	if err != nil {
		return map[string]any{}
	}
	v, err := parseJSON(raw)
	if err != nil {
		return map[string]any{}
	}
	obj, _ := v.(map[string]any)
	if obj == nil {
		obj = map[string]any{}
	}
	return obj
}

// decodeApplied reads an applied configuration, YAML or JSON, which must be an object.
func decodeApplied(applied []byte) (map[string]any, error) {
	trimmed := bytes.TrimSpace(applied)
	if len(trimmed) == 0 {
		return nil, invalidf("the configuration is empty")
	}
	var v any
	var err error
	if trimmed[0] == '{' {
		v, err = parseJSON(trimmed)
	} else {
		var j []byte
		if j, err = yaml.YAMLToJSON(applied); err == nil {
			v, err = parseJSON(j)
		}
	}
	if err != nil {
		return nil, invalidf("the configuration is neither JSON nor YAML: %v", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, invalidf("the configuration is %s, not an object", article(kindOf(v)))
	}
	return obj, nil
}

var jsonMarshal = json.Marshal

func equalSets(a, b fieldSet) bool {
	return difference(a, b).empty() && difference(b, a).empty()
}

func sortedManagerKeys(ms managers) []string {
	keys := make([]string, 0, len(ms))
	for k := range ms {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
