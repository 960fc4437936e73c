package patch

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Schema tells the patch functions how a kind's JSON is shaped: which lists merge by key, which
// are sets, which are replaced whole, which maps and structs are atomic. It is built from a Go
// type's struct tags by SchemaFor and is immutable, so one Schema serves any number of goroutines.
//
// The tags read are Kubernetes' own:
//
//	patchStrategy:"merge"             merge this list (by patchMergeKey, or as a set of primitives)
//	patchStrategy:"merge,retainKeys"  also clear union members a patch leaves out ($retainKeys)
//	patchStrategy:"replace"           replace this map or struct whole
//	patchStrategy:"retainKeys"        a union struct (Deployment's strategy)
//	patchMergeKey:"name"              the key list items merge by
//
// and, for server-side apply, the information Kubernetes keeps in +listType, +listMapKey,
// +mapType and +structType markers, where it differs from what the patch tags imply:
//
//	listType:"atomic|set|map"          how apply owns the list (default: map when the list merges
//	                                   by a key, set when it merges without one, else atomic)
//	listMapKeys:"containerPort,protocol"  the keys of a map list (default: patchMergeKey)
//	mapType:"atomic"                   apply owns the map as one value
//	structType:"atomic"                apply owns the struct (for a list or map: each item) whole
//	default:"TCP"                      value of a list map key the item leaves out
type Schema struct {
	typ    reflect.Type
	kind   kind
	fields map[string]*field // kindStruct, by JSON name
	elem   *Schema           // kindMap values, kindList items
	// place is an untagged position holding a value of this type: the document root, or a list
	// item or map value whose field has no tags for it.
	place *field
}

type kind uint8

const (
	kindScalar kind = iota // strings, numbers, booleans, and types that encode themselves
	kindStruct
	kindMap
	kindList
	kindAny // an interface: its shape is only known from the data
)

type listType uint8

const (
	listAtomic listType = iota
	listSet
	listMap
)

// field is one place in a document: the schema of the value there and the tags that govern it.
// List items and map values are places too (field.item), without tags of their own.
type field struct {
	name   string
	schema *Schema // nil when the place is unknown to the schema

	merge      bool // patchStrategy merge: lists merge rather than being replaced
	replace    bool // patchStrategy replace: maps and structs are replaced whole
	retainKeys bool
	mergeKey   string

	listType listType
	listKeys []string
	atomic   bool // apply treats the value as one leaf
	// defaultValue fills in a list map key an item leaves out (ports' protocol).
	defaultValue any

	item *field // list items or map values
}

// Type returns the Go type the schema was built from.
func (s *Schema) Type() reflect.Type { return s.typ }

var schemaCache sync.Map // reflect.Type -> schemaResult

type schemaResult struct {
	s   *Schema
	err error
}

// SchemaFor returns the schema of t, a struct type or pointer to one, reading its json, patch and
// list tags (see Schema). Embedded structs without a JSON name are inlined as encoding/json does;
// types with their own MarshalJSON or MarshalText (resource.Quantity, meta.Time,
// intstr.IntOrString) are opaque values. Schemas are cached per type.
//
// Tags that contradict each other or the type (a merge key that is not a field of the items, a
// merge strategy on a list of objects without a merge key, ...) are an error wrapping
// ErrInvalidSchema.
func SchemaFor(t reflect.Type) (*Schema, error) {
	if t == nil {
		return nil, fmt.Errorf("%w: nil type", ErrInvalidSchema)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if r, ok := schemaCache.Load(t); ok {
		r := r.(schemaResult)
		return r.s, r.err
	}
	b := &schemaBuilder{types: map[reflect.Type]*Schema{}}
	s := b.schema(t)
	b.link()
	err := b.validate()
	if err == nil && s.kind != kindStruct {
		err = fmt.Errorf("%w: %v is not a struct", ErrInvalidSchema, t)
	}
	if err != nil {
		s = nil
	}
	r, _ := schemaCache.LoadOrStore(t, schemaResult{s, err})
	return r.(schemaResult).s, r.(schemaResult).err
}

// SchemaOf is SchemaFor for the type parameter: patch.SchemaOf[core.Pod]().
func SchemaOf[T any]() (*Schema, error) {
	return SchemaFor(reflect.TypeFor[T]())
}

type schemaBuilder struct {
	types  map[reflect.Type]*Schema
	fields []*field // every tagged field, validated once all types are built
	all    []*field // every field and item place, linked to their items once all types are built
	errs   []string
}

// link gives every type its untagged place and every list or map place the place of its items.
// It runs after all types are built because recursive types refer to themselves.
func (b *schemaBuilder) link() {
	for _, s := range b.types {
		// A list in an untagged position (a list of lists) has no merge key: apply owns it whole.
		s.place = &field{schema: s, atomic: s.kind == kindList}
		b.all = append(b.all, s.place)
	}
	for _, f := range b.all {
		if f.item == nil && f.schema.elem != nil {
			f.item = f.schema.elem.place
		}
	}
}

var (
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
)

// encodesItself reports whether encoding/json hands t to its own methods, which makes its JSON an
// opaque value (a quantity string, a timestamp, an int-or-string).
func encodesItself(t reflect.Type) bool {
	for _, i := range []reflect.Type{jsonMarshaler, jsonUnmarshaler, textMarshaler} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return false
}

func (b *schemaBuilder) schema(t reflect.Type) *Schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := b.types[t]; ok {
		return s
	}
	s := &Schema{typ: t}
	b.types[t] = s
	switch {
	case encodesItself(t):
		s.kind = kindScalar
	case t.Kind() == reflect.Struct:
		s.kind = kindStruct
		s.fields = map[string]*field{}
		for _, sf := range jsonFields(t) {
			s.fields[sf.name] = b.field(t, sf)
		}
	case t.Kind() == reflect.Map:
		s.kind = kindMap
		s.elem = b.schema(t.Elem())
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && t.Elem().Kind() == reflect.Uint8:
		s.kind = kindScalar // []byte is a base64 string
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		s.kind = kindList
		s.elem = b.schema(t.Elem())
	case t.Kind() == reflect.Interface:
		s.kind = kindAny
	default:
		s.kind = kindScalar
	}
	return s
}

// field builds the place a struct field names, from its tags.
func (b *schemaBuilder) field(owner reflect.Type, sf jsonField) *field {
	f := &field{name: sf.name, schema: b.schema(sf.typ)}
	tag := sf.tag
	where := owner.String() + "." + sf.goName
	bad := func(format string, args ...any) {
		b.errs = append(b.errs, where+": "+fmt.Sprintf(format, args...))
	}
	if ps := tag.Get("patchStrategy"); ps != "" {
		for _, s := range strings.Split(ps, ",") {
			switch s {
			case "merge":
				f.merge = true
			case "replace":
				f.replace = true
			case "retainKeys":
				f.retainKeys = true
			default:
				bad("unknown patchStrategy %q", s)
			}
		}
		if f.merge && f.replace {
			bad(`patchStrategy cannot be both "merge" and "replace"`)
		}
	}
	f.mergeKey = tag.Get("patchMergeKey")
	if k := tag.Get("listMapKeys"); k != "" {
		f.listKeys = strings.Split(k, ",")
	}
	if d, ok := tag.Lookup("default"); ok {
		var v any = d
		if parsed, err := parseJSON([]byte(d)); err == nil {
			v = parsed
		}
		f.defaultValue = v
	}

	s := f.schema
	listTag := tag.Get("listType")
	switch s.kind {
	case kindList:
		switch listTag {
		case "atomic":
			f.listType = listAtomic
		case "set":
			f.listType = listSet
		case "map":
			f.listType = listMap
		case "":
			// Kubernetes derives apply's list types from the patch tags where no marker says
			// otherwise: merge by a key is a map, merge without one a set, the rest atomic.
			switch {
			case len(f.listKeys) > 0 || (f.merge && f.mergeKey != ""):
				f.listType = listMap
			case f.merge:
				f.listType = listSet
			default:
				f.listType = listAtomic
			}
		default:
			bad("unknown listType %q", listTag)
		}
		if f.listType == listMap && len(f.listKeys) == 0 {
			if f.mergeKey == "" {
				bad("listType map needs listMapKeys or a patchMergeKey")
			} else {
				f.listKeys = []string{f.mergeKey}
			}
		}
		f.atomic = f.listType == listAtomic
		f.item = &field{schema: s.elem, atomic: tag.Get("structType") == "atomic" || s.elem.kind == kindList}
		b.all = append(b.all, f.item)
	case kindMap:
		f.atomic = tag.Get("mapType") == "atomic"
		f.item = &field{schema: s.elem, atomic: tag.Get("structType") == "atomic" || s.elem.kind == kindList}
		b.all = append(b.all, f.item)
	case kindStruct:
		f.atomic = tag.Get("structType") == "atomic"
	}
	if s.kind != kindList {
		switch {
		case f.mergeKey != "" || len(f.listKeys) > 0 || listTag != "":
			bad("list tags on a field that is not a list")
		case f.merge && s.kind == kindScalar:
			bad(`patchStrategy "merge" on a field that is neither a list nor an object`)
		}
	}
	if f.mergeKey != "" || len(f.listKeys) > 0 || f.merge || f.listType != listAtomic {
		b.fields = append(b.fields, f)
	}
	b.all = append(b.all, f)
	return f
}

// validate checks list tags against the item types, once every type is built.
func (b *schemaBuilder) validate() error {
	for _, f := range b.fields {
		if f.schema.kind != kindList {
			continue
		}
		item := f.schema.elem
		where := "field " + f.name
		switch {
		case f.listType == listMap && item.kind != kindStruct && item.kind != kindMap && item.kind != kindAny:
			b.errs = append(b.errs, fmt.Sprintf("%s: a map list (merge key or listMapKeys) needs objects as items, not %v", where, item.typ))
		case f.merge && f.mergeKey == "" && item.kind == kindStruct:
			b.errs = append(b.errs, fmt.Sprintf("%s: patchStrategy merge on a list of objects needs a patchMergeKey", where))
		case f.listType == listSet && item.kind == kindStruct:
			b.errs = append(b.errs, fmt.Sprintf("%s: listType set needs primitive items, not %v", where, item.typ))
		}
		if item.kind == kindStruct {
			keys := f.listKeys
			if f.mergeKey != "" {
				keys = append(slices.Clip(keys), f.mergeKey)
			}
			for _, k := range keys {
				if _, ok := item.fields[k]; !ok {
					b.errs = append(b.errs, fmt.Sprintf("%s: key %q is not a field of %v", where, k, item.typ))
				}
			}
		}
	}
	if len(b.errs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidSchema, strings.Join(b.errs, "; "))
	}
	return nil
}

type jsonField struct {
	name, goName string
	typ          reflect.Type
	tag          reflect.StructTag
	depth        int
	tagged       bool
}

// jsonFields lists the fields encoding/json writes for struct type t, with embedded structs
// flattened and name clashes settled by its rules (shallower wins, then a tagged name wins, and a
// tie hides both).
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	var walk func(t reflect.Type, depth int, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			ft := sf.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if sf.Anonymous {
				if !sf.IsExported() && ft.Kind() != reflect.Struct {
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct && !encodesItself(ft) {
				walk(ft, depth+1, seen)
				continue
			}
			tagged := name != ""
			if name == "" {
				name = sf.Name
			}
			all = append(all, jsonField{name: name, goName: sf.Name, typ: sf.Type, tag: sf.Tag, depth: depth, tagged: tagged})
		}
	}
	walk(t, 0, map[reflect.Type]bool{})

	byName := map[string][]jsonField{}
	var order []string
	for _, f := range all {
		if _, ok := byName[f.name]; !ok {
			order = append(order, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	var out []jsonField
	for _, name := range order {
		cands := byName[name]
		best := cands[0].depth
		for _, c := range cands {
			best = min(best, c.depth)
		}
		var top []jsonField
		for _, c := range cands {
			if c.depth == best {
				top = append(top, c)
			}
		}
		if len(top) > 1 {
			var tagged []jsonField
			for _, c := range top {
				if c.tagged {
					tagged = append(tagged, c)
				}
			}
			top = tagged
		}
		if len(top) == 1 {
			out = append(out, top[0])
		}
	}
	return out
}

// lookup returns the place for key inside the value at f, or nil when the schema does not know
// it. Map values share one place; struct fields have their own.
func (f *field) lookup(key string) *field {
	if f == nil || f.schema == nil {
		return nil
	}
	switch f.schema.kind {
	case kindStruct:
		return f.schema.fields[key]
	case kindMap:
		return f.item
	}
	return nil
}

func (f *field) kind() kind {
	if f == nil || f.schema == nil {
		return kindAny
	}
	return f.schema.kind
}
