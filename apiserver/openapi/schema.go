package openapi

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
)

// schema is one JSON schema in a form that both OpenAPI versions are written from. The two
// versions differ only in how a few shapes are spelled (see v2Schema and v3Schema).
type schema struct {
	// ref names a definition; a reference carries only a description and extensions beside it.
	ref         string
	typ         string
	format      string
	description string
	items       *schema
	properties  []property
	required    []string
	// additional is the schema of a map's values.
	additional *schema
	// oneOf lists the types OpenAPI v3 spells the value as, where v2 can only say typ and format
	// (IntOrString, Quantity).
	oneOf []string
	// intOrString marks a value that is an integer or a string (x-kubernetes-int-or-string in v3).
	intOrString bool
	// anyValue marks a value that may be any JSON value (x-kubernetes-preserve-unknown-fields in v3).
	anyValue bool
	// defaultValue is the JSON value the server defaults the field to, or nil.
	defaultValue json.RawMessage
	extensions   []extension
}

// property is a named field of an object schema.
type property struct {
	name   string
	schema *schema
}

// extension is a vendor extension ("x-kubernetes-...") with its value as JSON.
type extension struct {
	name  string
	value json.RawMessage
}

func newExtension(name string, value any) extension {
	b, err := json.Marshal(value)
	if err != nil {
		panic(fmt.Sprintf("openapi: extension %s: %v", name, err)) // values are built here, never from input
	}
	return extension{name, b}
}

// definition is a named schema of the document's definitions (v2) or components (v3).
type definition struct {
	name   string
	schema *schema
	// gvks are the kinds the definition is the schema of (x-kubernetes-group-version-kind).
	gvks []api.GroupVersionKind
	// goType is the Go type the definition was built from, or nil for a synthesized one.
	goType reflect.Type
}

// refs calls f with the name of every definition s refers to.
func (s *schema) refs(f func(string)) {
	if s == nil {
		return
	}
	if s.ref != "" {
		f(s.ref)
	}
	s.items.refs(f)
	s.additional.refs(f)
	for _, p := range s.properties {
		p.schema.refs(f)
	}
}

// The Go types whose JSON form reflection cannot see: they marshal themselves.
var (
	timeType        = reflect.TypeFor[meta.Time]()
	microTimeType   = reflect.TypeFor[meta.MicroTime]()
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	fieldsV1Type    = reflect.TypeFor[meta.FieldsV1]()
	stdTimeType     = reflect.TypeFor[time.Time]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	byteSliceType   = reflect.TypeFor[[]byte]()

	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	schemaTyper   = reflect.TypeFor[SchemaTyper]()
)

// SchemaTyper is implemented by Go types that marshal themselves to JSON (they implement
// json.Marshaler) to tell the OpenAPI builder what their JSON looks like. It is kube-openapi's
// convention, so types written for Kubernetes' code generators work unchanged.
type SchemaTyper interface {
	// OpenAPISchemaType returns the JSON schema types of the value ("string", "integer", ...).
	OpenAPISchemaType() []string
	// OpenAPISchemaFormat returns the format of the value ("date-time", "byte", or "").
	OpenAPISchemaFormat() string
}

// v3OneOfTyper is kube-openapi's convention for the types a self-marshaling value may take in
// OpenAPI v3 (IntOrString is an integer or a string), where v2 can only say its SchemaTyper type.
type v3OneOfTyper interface {
	OpenAPIV3OneOfTypes() []string
}

var v3OneOfTyperType = reflect.TypeFor[v3OneOfTyper]()

// specialSchema returns the schema of a Go type that marshals itself and that skiff knows, or nil.
func specialSchema(t reflect.Type) *schema {
	switch t {
	case timeType:
		return &schema{typ: "string", format: "date-time",
			description: "Time is a point in time, written in RFC 3339 form with second precision in UTC (\"2024-01-02T15:04:05Z\"), or null."}
	case microTimeType:
		return &schema{typ: "string", format: "date-time",
			description: "MicroTime is a point in time with microsecond precision, written in RFC 3339 form (\"2024-01-02T15:04:05.000000Z\"), or null."}
	case quantityType:
		return &schema{typ: "string", oneOf: []string{"string", "number"},
			description: quantityDescription}
	case intOrStringType:
		return &schema{typ: "string", format: "int-or-string", oneOf: []string{"integer", "string"}, intOrString: true,
			description: "IntOrString is an integer or a string, written as either: a port number or name, a count or a percentage (\"25%\")."}
	case fieldsV1Type:
		return &schema{typ: "object",
			description: "FieldsV1 is a set of fields as a JSON trie, as server-side apply records them: each key is \".\" (the field itself), \"f:<name>\" (a field or map key), \"v:<value>\" (a list item by value), \"i:<index>\" (a list item by position) or \"k:<keys>\" (a list item by its key fields), and maps to the set of its sub-fields."}
	case rawExtensionType:
		return &schema{typ: "object",
			description: "RawExtension is an embedded object of any kind, with its own apiVersion and kind."}
	}
	return nil
}

// quantityDescription describes resource.Quantity.
const quantityDescription = "Quantity is a fixed-point decimal number with an optional suffix: a binary SI suffix (Ki, Mi, Gi, Ti, Pi, Ei), " +
	"a decimal SI suffix (m, k, M, G, T, P, E) or a decimal exponent (e3, E-2). \"500m\" is half a CPU, \"128Mi\" is 128 × 2^20 bytes. " +
	"The server writes the canonical form: no fractional digits and the largest exponent that loses no precision (1.5 is written \"1500m\"). " +
	"A quantity may be written as a JSON number or string; it never exceeds 2^63-1 in magnitude nor has more than three decimal places."

// generator builds definitions from Go types by reflection, following encoding/json's rules.
type generator struct {
	names  *namer
	defs   map[string]*definition
	byType map[reflect.Type]string
	err    error
}

func newGenerator(names *namer) *generator {
	return &generator{names: names, defs: make(map[string]*definition), byType: make(map[reflect.Type]string)}
}

// define makes sure t (a named struct type, or a named type that marshals itself) has a definition
// and returns its name.
func (g *generator) define(t reflect.Type) string {
	if name, ok := g.byType[t]; ok {
		return name
	}
	name := g.names.typeName(t)
	if other, ok := g.defs[name]; ok {
		if g.err == nil {
			g.err = fmt.Errorf("openapi: Go types %s and %s would both be named %s", other.goType, t, name)
		}
		return name
	}
	d := &definition{name: name, goType: t}
	g.byType[t] = name
	g.defs[name] = d // before building the schema, so that recursive types refer to it
	if s := specialSchema(t); s != nil {
		d.schema = s
	} else if s := selfDescribed(t); s != nil {
		d.schema = s
	} else {
		d.schema = g.structSchema(t)
	}
	if d.schema.description == "" {
		d.schema.description = typeDoc(t)
	}
	return name
}

// addDefinition adds a synthesized definition.
func (g *generator) addDefinition(d *definition) {
	if other, ok := g.defs[d.name]; ok && g.err == nil {
		g.err = fmt.Errorf("openapi: definition %s is built twice (from %v)", d.name, other.goType)
	}
	g.defs[d.name] = d
}

// typeSchema returns the schema of a value of type t where it appears as a field, list item or map
// value: a reference for named structs, the schema itself for everything else.
func (g *generator) typeSchema(t reflect.Type) *schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if specialSchema(t) != nil {
		return &schema{ref: g.define(t)}
	}
	switch t {
	case stdTimeType:
		return &schema{typ: "string", format: "date-time"}
	case rawMessageType:
		return &schema{anyValue: true}
	case byteSliceType:
		return &schema{typ: "string", format: "byte"}
	}
	if s := selfDescribed(t); s != nil {
		if t.Kind() == reflect.Struct && t.Name() != "" {
			return &schema{ref: g.define(t)}
		}
		return s
	}
	switch t.Kind() {
	case reflect.Bool:
		return &schema{typ: "boolean"}
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint8, reflect.Uint16:
		return &schema{typ: "integer", format: "int32"}
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &schema{typ: "integer", format: "int64"}
	case reflect.Float32:
		return &schema{typ: "number", format: "float"}
	case reflect.Float64:
		return &schema{typ: "number", format: "double"}
	case reflect.String:
		return &schema{typ: "string"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !implementsAny(t.Elem(), jsonMarshaler, textMarshaler) {
			return &schema{typ: "string", format: "byte"} // encoding/json writes []byte as base64
		}
		return &schema{typ: "array", items: g.typeSchema(t.Elem())}
	case reflect.Array:
		return &schema{typ: "array", items: g.typeSchema(t.Elem())}
	case reflect.Map:
		return &schema{typ: "object", additional: g.typeSchema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.structSchema(t)
		}
		return &schema{ref: g.define(t)}
	case reflect.Interface:
		return &schema{anyValue: true}
	}
	// Channels, functions and complex numbers cannot be encoded; encoding/json fails on them.
	if g.err == nil {
		g.err = fmt.Errorf("openapi: Go type %s has no JSON form", t)
	}
	return &schema{anyValue: true}
}

// selfDescribed returns the schema of a type that marshals itself, from its SchemaTyper methods, or
// as a string for text marshalers and any value for other JSON marshalers. It returns nil for types
// encoding/json reflects on.
func selfDescribed(t reflect.Type) *schema {
	if implementsAny(t, schemaTyper) {
		v := reflect.New(t).Interface().(SchemaTyper)
		s := &schema{format: v.OpenAPISchemaFormat()}
		if types := v.OpenAPISchemaType(); len(types) > 0 {
			s.typ = types[0]
		} else {
			s.anyValue = true
		}
		if s.format == "int-or-string" {
			s.intOrString, s.oneOf = true, []string{"integer", "string"}
		}
		if implementsAny(t, v3OneOfTyperType) {
			s.oneOf = reflect.New(t).Interface().(v3OneOfTyper).OpenAPIV3OneOfTypes()
		}
		return s
	}
	if implementsAny(t, jsonMarshaler) {
		return &schema{anyValue: true}
	}
	if implementsAny(t, textMarshaler) {
		return &schema{typ: "string"}
	}
	return nil
}

// implementsAny reports whether t or *t implements one of the interfaces.
func implementsAny(t reflect.Type, ifaces ...reflect.Type) bool {
	for _, i := range ifaces {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return false
}

// structSchema returns the object schema of a struct's JSON fields.
func (g *generator) structSchema(t reflect.Type) *schema {
	s := &schema{typ: "object"}
	for _, f := range jsonFields(t) {
		p := g.typeSchema(f.typ)
		if f.asString && p.ref == "" && (p.typ == "integer" || p.typ == "number" || p.typ == "boolean") {
			p = &schema{typ: "string"}
		}
		p.description = fieldDoc(f.owner, f.goName)
		applyFieldTags(p, f)
		s.properties = append(s.properties, property{f.name, p})
		if !f.optional && !markedOptional(f.owner, f.goName) {
			s.required = append(s.required, f.name)
		}
	}
	slices.SortFunc(s.properties, func(a, b property) int { return strings.Compare(a.name, b.name) })
	return s
}

// applyFieldTags adds to a field's schema what its struct tags say beyond encoding/json, as
// kube-openapi reads the markers of Kubernetes' types:
//
//   - patchStrategy:"merge" and patchMergeKey:"name" are x-kubernetes-patch-strategy and
//     x-kubernetes-patch-merge-key, which kubectl apply builds strategic merge patches from;
//   - listType:"atomic|set|map" with listMapKeys:"k1,k2" are x-kubernetes-list-type and
//     x-kubernetes-list-map-keys; without them a list merged by key is a map list keyed by its merge
//     key, and a list of scalars merged is a set;
//   - mapType:"atomic|granular" is x-kubernetes-map-type, and structType:"atomic" makes the struct
//     (each struct of a list) x-kubernetes-map-type atomic;
//   - default:"TCP" is the value the server defaults the field to.
func applyFieldTags(p *schema, f jsonField) {
	tag := f.tag
	strategy, mergeKey := tag.Get("patchStrategy"), tag.Get("patchMergeKey")
	if mergeKey != "" {
		p.extensions = append(p.extensions, newExtension("x-kubernetes-patch-merge-key", mergeKey))
	}
	if strategy != "" {
		p.extensions = append(p.extensions, newExtension("x-kubernetes-patch-strategy", strategy))
	}
	if p.typ == "array" {
		listType, mapKeys := tag.Get("listType"), tag.Get("listMapKeys")
		if mapKeys == "" {
			mapKeys = tag.Get("listMapKey")
		}
		if listType == "" && slices.Contains(strings.Split(strategy, ","), "merge") {
			switch {
			case mergeKey != "" && p.items.ref != "":
				listType, mapKeys = "map", mergeKey
			case p.items.ref == "" && p.items.typ != "object" && p.items.typ != "array":
				listType = "set"
			}
		}
		if listType != "" {
			p.extensions = append(p.extensions, newExtension("x-kubernetes-list-type", listType))
		}
		if listType == "map" && mapKeys != "" {
			p.extensions = append(p.extensions, newExtension("x-kubernetes-list-map-keys", strings.Split(mapKeys, ",")))
		}
	}
	if mapType := tag.Get("mapType"); mapType != "" {
		p.extensions = append(p.extensions, newExtension("x-kubernetes-map-type", mapType))
	}
	if tag.Get("structType") == "atomic" {
		target := p
		if p.typ == "array" {
			target = p.items
		}
		target.extensions = append(target.extensions, newExtension("x-kubernetes-map-type", "atomic"))
	}
	if def, ok := tag.Lookup("default"); ok {
		p.defaultValue = defaultJSON(def, p.typ)
	}
}

// defaultJSON returns a default tag's value as JSON: a string for string fields, the value itself
// for others when it is JSON, a string otherwise.
func defaultJSON(value, typ string) json.RawMessage {
	if typ != "string" && json.Valid([]byte(value)) {
		return json.RawMessage(value)
	}
	b, _ := json.Marshal(value) // a string always encodes
	return b
}

// jsonField is a field of a struct's JSON object.
type jsonField struct {
	name     string
	typ      reflect.Type
	optional bool // omitempty or omitzero: the field may be missing
	asString bool // the ",string" option
	tag      reflect.StructTag
	owner    reflect.Type // the struct that declares the field
	goName   string
	depth    int
	tagged   bool
}

// jsonFields returns the fields encoding/json writes for struct t, in its order, with embedded
// structs inlined and name conflicts resolved as encoding/json resolves them.
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	collectFields(t, 0, map[reflect.Type]bool{}, &all)
	byName := make(map[string][]int)
	for i, f := range all {
		byName[f.name] = append(byName[f.name], i)
	}
	out := make([]jsonField, 0, len(all))
	for i, f := range all {
		if dominant(all, byName[f.name]) == i {
			out = append(out, f)
		}
	}
	return out
}

// dominant returns the index of the field that wins among fields of one name, or -1 when none does:
// the shallowest, and among the shallowest the only tagged one.
func dominant(all []jsonField, idx []int) int {
	if len(idx) == 1 {
		return idx[0]
	}
	minDepth := all[idx[0]].depth
	for _, i := range idx {
		minDepth = min(minDepth, all[i].depth)
	}
	winner, tagged, count := -1, 0, 0
	for _, i := range idx {
		if all[i].depth != minDepth {
			continue
		}
		count++
		if all[i].tagged {
			tagged++
			winner = i
		} else if count == 1 {
			winner = i
		}
	}
	if count == 1 || tagged == 1 {
		return winner
	}
	return -1
}

func collectFields(t reflect.Type, depth int, visiting map[reflect.Type]bool, out *[]jsonField) {
	if visiting[t] {
		return
	}
	visiting[t] = true
	defer delete(visiting, t)
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		ft := sf.Type
		if sf.Anonymous {
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
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
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			collectFields(ft, depth+1, visiting, out)
			continue
		}
		f := jsonField{
			name:   name,
			typ:    sf.Type,
			tag:    sf.Tag,
			owner:  t,
			goName: sf.Name,
			depth:  depth,
			tagged: name != "",
		}
		if name == "" {
			f.name = sf.Name
		}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty", "omitzero":
				f.optional = true
			case "string":
				f.asString = true
			}
		}
		*out = append(*out, f)
	}
}
