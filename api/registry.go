package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/api/meta"
)

// GroupVersionKind names a kind on the wire.
type GroupVersionKind struct {
	Group, Version, Kind string
}

// APIVersion is "group/version", or the version alone for the core group.
func (g GroupVersionKind) APIVersion() string { return meta.JoinAPIVersion(g.Group, g.Version) }

func (g GroupVersionKind) String() string { return g.APIVersion() + ", Kind=" + g.Kind }

// GroupResource names a resource independent of version.
type GroupResource struct {
	Group, Resource string
}

func (g GroupResource) String() string {
	if g.Group == "" {
		return g.Resource
	}
	return g.Resource + "." + g.Group
}

// Kind describes one kind to every generic layer: store keys, REST paths, discovery, clients and
// informers read it. Register fills the untyped hooks from a typed KindSpec.
type Kind struct {
	GroupVersionKind
	// Resource is the plural, lower-case name in REST paths ("pods").
	Resource string
	// Singular is the lower-case singular ("pod").
	Singular string
	// ShortNames are the abbreviations kubectl accepts ("po").
	ShortNames []string
	// Categories group kinds for kubectl ("all").
	Categories []string
	// Namespaced is false for cluster-scoped kinds (Node, Namespace, ClusterRole, ...).
	Namespaced bool
	// Subresources the kind serves ("status", "scale", "binding", ...).
	Subresources []string
	// Verbs the REST layer serves for the kind; empty means the usual full set.
	Verbs []string
	// Virtual kinds are never stored: the API server answers a create with what a handler computes
	// from the object (the review kinds: SubjectAccessReview, TokenReview, ...) and serves no other
	// verb. Their Verbs default to just "create", as discovery lists them.
	Virtual bool

	// Type is the Go struct type (not the pointer).
	Type reflect.Type
	// New returns a new, empty object of the kind.
	New func() meta.Object
	// Default fills unset fields as Kubernetes' defaulting does; nil when the kind has no defaults.
	Default func(obj meta.Object)
	// Validate checks a new object; nil means only ObjectMeta is checked by the caller.
	Validate func(obj meta.Object) field.ErrorList
	// ValidateUpdate checks a change to an existing object.
	ValidateUpdate func(obj, old meta.Object) field.ErrorList
	// ValidateStatusUpdate checks a write to the status subresource.
	ValidateStatusUpdate func(obj, old meta.Object) field.ErrorList
	// SelectableFields returns the fields a field selector may name (beyond metadata.name and
	// metadata.namespace, which every kind has).
	SelectableFields func(obj meta.Object) map[string]string
}

// GroupResource returns the kind's group and resource.
func (k *Kind) GroupResource() GroupResource { return GroupResource{k.Group, k.Resource} }

// KeyPrefix is the resource part of the kind's store keys: the plural for Kubernetes' built-in groups
// (as kube-apiserver stores them), "<group>/<plural>" for every other group so that custom kinds never
// collide with built-in ones.
func (k *Kind) KeyPrefix() string {
	if builtinGroups[k.Group] {
		return k.Resource
	}
	return k.Group + "/" + k.Resource
}

var builtinGroups = map[string]bool{
	"": true, "apps": true, "rbac.authorization.k8s.io": true, "coordination.k8s.io": true,
	"autoscaling": true, "events.k8s.io": true, "admissionregistration.k8s.io": true,
	"authentication.k8s.io": true, "authorization.k8s.io": true, "policy": true, "batch": true,
	"scheduling.k8s.io": true, "node.k8s.io": true, "storage.k8s.io": true, "networking.k8s.io": true,
}

// FieldSet returns the fields of obj a field selector may name: metadata.name and
// metadata.namespace, which every kind has, and the kind's SelectableFields.
func (k *Kind) FieldSet(obj meta.Object) fields.Set {
	m := obj.GetObjectMeta()
	set := fields.Set{"metadata.name": m.Name}
	if k.Namespaced {
		set["metadata.namespace"] = m.Namespace
	}
	if k.SelectableFields != nil {
		for f, v := range k.SelectableFields(obj) {
			set[f] = v
		}
	}
	return set
}

// FieldLabels returns the field names a field selector on this kind may use, sorted.
func (k *Kind) FieldLabels() []string {
	names := slices.Collect(maps.Keys(k.FieldSet(k.New())))
	slices.Sort(names)
	return names
}

// HasSubresource reports whether the kind serves sub.
func (k *Kind) HasSubresource(sub string) bool {
	for _, s := range k.Subresources {
		if s == sub {
			return true
		}
	}
	return false
}

// KindSpec is how a Go program describes a kind with typed hooks; T is a pointer to the object struct.
type KindSpec[T meta.Object] struct {
	Group, Version, Kind string
	Resource, Singular   string
	ShortNames           []string
	Categories           []string
	Namespaced           bool
	Subresources         []string
	Verbs                []string
	Virtual              bool
	Default              func(T)
	Validate             func(T) field.ErrorList
	ValidateUpdate       func(obj, old T) field.ErrorList
	ValidateStatusUpdate func(obj, old T) field.ErrorList
	SelectableFields     func(T) map[string]string
}

// Registry is the set of kinds a program knows. It is safe for concurrent use; kinds are added once,
// usually at start, and never removed.
type Registry struct {
	mu         sync.RWMutex
	byGVK      map[GroupVersionKind]*Kind
	byResource map[GroupResource]*Kind
	byType     map[reflect.Type]*Kind
}

// NewRegistry returns an empty registry. Builtin returns one with Kubernetes' kinds in it.
func NewRegistry() *Registry {
	return &Registry{
		byGVK:      make(map[GroupVersionKind]*Kind),
		byResource: make(map[GroupResource]*Kind),
		byType:     make(map[reflect.Type]*Kind),
	}
}

// ErrUnknownKind is wrapped by errors about kinds or resources the registry does not hold.
var ErrUnknownKind = errors.New("api: unknown kind")

// Register adds a kind described with typed hooks.
func Register[T meta.Object](r *Registry, spec KindSpec[T]) error {
	pt := reflect.TypeFor[T]()
	if pt.Kind() != reflect.Pointer || pt.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("api: register %s: the object type must be a pointer to a struct, not %s", spec.Kind, pt)
	}
	st := pt.Elem()
	k := &Kind{
		GroupVersionKind: GroupVersionKind{spec.Group, spec.Version, spec.Kind},
		Resource:         spec.Resource,
		Singular:         spec.Singular,
		ShortNames:       spec.ShortNames,
		Categories:       spec.Categories,
		Namespaced:       spec.Namespaced,
		Subresources:     spec.Subresources,
		Verbs:            spec.Verbs,
		Virtual:          spec.Virtual,
		Type:             st,
		New:              func() meta.Object { return reflect.New(st).Interface().(meta.Object) },
	}
	if f := spec.Default; f != nil {
		k.Default = func(o meta.Object) { f(o.(T)) }
	}
	if f := spec.Validate; f != nil {
		k.Validate = func(o meta.Object) field.ErrorList { return f(o.(T)) }
	}
	if f := spec.ValidateUpdate; f != nil {
		k.ValidateUpdate = func(o, old meta.Object) field.ErrorList { return f(o.(T), old.(T)) }
	}
	if f := spec.ValidateStatusUpdate; f != nil {
		k.ValidateStatusUpdate = func(o, old meta.Object) field.ErrorList { return f(o.(T), old.(T)) }
	}
	if f := spec.SelectableFields; f != nil {
		k.SelectableFields = func(o meta.Object) map[string]string { return f(o.(T)) }
	}
	return r.Add(k)
}

// Add adds a kind described with untyped hooks. Resource and Singular default from the kind's name,
// and the Verbs of a virtual kind to just "create".
func (r *Registry) Add(k *Kind) error {
	if k.Kind == "" || k.Version == "" {
		return fmt.Errorf("api: a kind needs a kind name and a version (got %q, %q)", k.Kind, k.Version)
	}
	if k.Type == nil || k.New == nil {
		return fmt.Errorf("api: kind %s needs Type and New", k.Kind)
	}
	if k.Singular == "" {
		k.Singular = strings.ToLower(k.Kind)
	}
	if k.Resource == "" {
		k.Resource = Pluralize(k.Singular)
	}
	if k.Virtual && len(k.Verbs) == 0 {
		k.Verbs = []string{"create"}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.byGVK[k.GroupVersionKind]; ok {
		return fmt.Errorf("api: kind %s is already registered", k.GroupVersionKind)
	}
	gr := k.GroupResource()
	if _, ok := r.byResource[gr]; ok {
		return fmt.Errorf("api: resource %s is already registered", gr)
	}
	if _, ok := r.byType[k.Type]; ok {
		return fmt.Errorf("api: Go type %s is already registered", k.Type)
	}
	r.byGVK[k.GroupVersionKind] = k
	r.byResource[gr] = k
	r.byType[k.Type] = k
	return nil
}

// Pluralize returns the English plural Kubernetes would guess for a lower-case kind name.
func Pluralize(s string) string {
	switch {
	case s == "":
		return s
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "x"), strings.HasSuffix(s, "z"),
		strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	}
	return s + "s"
}

// KindFor returns the kind named by gvk.
func (r *Registry) KindFor(gvk GroupVersionKind) (*Kind, error) {
	r.mu.RLock()
	k, ok := r.byGVK[gvk]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: no kind %q is registered for version %q", ErrUnknownKind, gvk.Kind, gvk.APIVersion())
	}
	return k, nil
}

// ResourceFor returns the kind served under a group's resource name (plural, singular or short name).
func (r *Registry) ResourceFor(group, resource string) (*Kind, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if k, ok := r.byResource[GroupResource{group, resource}]; ok {
		return k, nil
	}
	for _, k := range r.byGVK {
		if k.Group != group {
			continue
		}
		if k.Singular == resource {
			return k, nil
		}
		for _, s := range k.ShortNames {
			if s == resource {
				return k, nil
			}
		}
	}
	return nil, fmt.Errorf("%w: the server doesn't have a resource type %q", ErrUnknownKind, GroupResource{group, resource})
}

// KindOf returns the kind of obj, from its Go type.
func (r *Registry) KindOf(obj meta.Object) (*Kind, error) {
	t := reflect.TypeOf(obj)
	if t == nil || t.Kind() != reflect.Pointer {
		return nil, fmt.Errorf("%w: %T is not a pointer to a registered struct", ErrUnknownKind, obj)
	}
	r.mu.RLock()
	k, ok := r.byType[t.Elem()]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w: Go type %s is not registered", ErrUnknownKind, t.Elem())
	}
	return k, nil
}

// Kinds returns every kind, sorted by group, version and kind.
func (r *Registry) Kinds() []*Kind {
	r.mu.RLock()
	out := make([]*Kind, 0, len(r.byGVK))
	for _, k := range r.byGVK {
		out = append(out, k)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Kind < b.Kind
	})
	return out
}

// SetKind fills obj's apiVersion and kind from its Go type. It writes only when they differ, so it is
// safe on a shared object whose TypeMeta is already right.
func (r *Registry) SetKind(obj meta.Object) error {
	k, err := r.KindOf(obj)
	if err != nil {
		return err
	}
	tm := obj.GetTypeMeta()
	if av := k.APIVersion(); tm.APIVersion != av || tm.Kind != k.Kind {
		tm.APIVersion, tm.Kind = av, k.Kind
	}
	return nil
}

// Encode writes obj as JSON with its apiVersion and kind set (see SetKind).
func (r *Registry) Encode(obj meta.Object) ([]byte, error) {
	if err := r.SetKind(obj); err != nil {
		return nil, err
	}
	return json.Marshal(obj)
}

// AppendEncode appends obj's JSON (as Encode writes it) to dst, so that a caller can reuse buffers.
func (r *Registry) AppendEncode(dst []byte, obj meta.Object) ([]byte, error) {
	if err := r.SetKind(obj); err != nil {
		return dst, err
	}
	buf := bytes.NewBuffer(dst)
	if err := json.NewEncoder(buf).Encode(obj); err != nil {
		return dst, err
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // Encoder ends each value with a newline; Marshal does not
}

// DecodeError is a decoding failure, naming the field where it could.
type DecodeError struct {
	// Field is the JSON path of the bad value ("spec.containers.ports.containerPort"), or "".
	Field string
	Msg   string
}

func (e *DecodeError) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Msg
	}
	return e.Msg
}

// ErrDecode is wrapped by every decoding failure.
var ErrDecode = errors.New("api: cannot decode object")

func (e *DecodeError) Unwrap() error { return ErrDecode }

// Decode reads a JSON object whose apiVersion and kind name a registered kind. Unknown fields are
// ignored here; the API server's strict field validation reports them.
func (r *Registry) Decode(data []byte) (meta.Object, error) {
	var tm meta.TypeMeta
	if err := json.Unmarshal(data, &tm); err != nil {
		return nil, decodeError(data, reflect.TypeFor[meta.TypeMeta](), err)
	}
	if tm.Kind == "" {
		return nil, &DecodeError{Field: "kind", Msg: "Object 'Kind' is missing"}
	}
	if tm.APIVersion == "" {
		return nil, &DecodeError{Field: "apiVersion", Msg: "Object 'apiVersion' is missing"}
	}
	group, version := meta.SplitAPIVersion(tm.APIVersion)
	k, err := r.KindFor(GroupVersionKind{group, version, tm.Kind})
	if err != nil {
		return nil, &DecodeError{Msg: err.Error()}
	}
	obj := k.New()
	if err := json.Unmarshal(data, obj); err != nil {
		return nil, decodeError(data, k.Type, err)
	}
	return obj, nil
}

// DecodeInto reads JSON into obj, whatever apiVersion and kind the data names.
func DecodeInto(data []byte, obj any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(obj); err != nil {
		return decodeError(data, reflect.TypeOf(obj), err)
	}
	if dec.More() {
		return &DecodeError{Msg: "unexpected data after the end of the object"}
	}
	return nil
}

// decodeError turns a failure to decode data into a value of type t into a DecodeError that names
// the field, with list indexes and map keys ("spec.containers[0].ports[0].containerPort").
func decodeError(data []byte, t reflect.Type, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
		if errors.As(json.Unmarshal(data, new(any)), &se) {
			return &DecodeError{Msg: fmt.Sprintf("invalid JSON at offset %d: %v", se.Offset, se)}
		}
		return &DecodeError{Msg: "invalid JSON: " + err.Error()}
	}
	path, located := locateError(data, t)
	if located == nil {
		located = err
	}
	var te *json.UnmarshalTypeError
	if errors.As(located, &te) {
		if path == "" {
			path = te.Field
		}
		return &DecodeError{Field: path, Msg: fmt.Sprintf("cannot unmarshal %s into a field of type %s", te.Value, typeName(te.Type))}
	}
	return &DecodeError{Field: path, Msg: located.Error()}
}

func typeName(t reflect.Type) string {
	if t == nil {
		return "?"
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Bool:
		return "boolean"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return t.String()
}
