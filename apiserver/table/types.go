package table

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
)

// GroupName and Version name the API group of this package's kinds; APIVersion joins them.
const (
	GroupName  = "meta.k8s.io"
	Version    = "v1"
	APIVersion = GroupName + "/" + Version
)

// Table is a list of objects as rows of printable cells, with a definition of each column: what
// kube-apiserver returns when a client asks for "application/json;as=Table;v=v1;g=meta.k8s.io", and
// what kubectl prints. Its JSON is Kubernetes' meta.k8s.io/v1 Table.
type Table struct {
	meta.TypeMeta `json:",inline"`
	// ListMeta carries the list's resourceVersion, continue token and remaining item count (for a
	// single object, its resourceVersion).
	meta.ListMeta `json:"metadata"`
	// ColumnDefinitions describe each cell of a row, in order. A watch sends them only in its first
	// event; later events carry null here.
	ColumnDefinitions []TableColumnDefinition `json:"columnDefinitions"`
	// Rows are the objects, in the order they were given.
	Rows []TableRow `json:"rows"`
}

// TableColumnDefinition describes one column.
type TableColumnDefinition struct {
	// Name is the column's human-readable name ("Name", "Ready", "Nominated Node"); kubectl prints it
	// upper-cased.
	Name string `json:"name"`
	// Type is the OpenAPI type of the cells: "string", "integer", "number", "boolean" or "date".
	Type string `json:"type"`
	// Format modifies Type; "name" marks the column that holds the object's name.
	Format string `json:"format"`
	// Description says what the column shows.
	Description string `json:"description"`
	// Priority is 0 for columns kubectl always prints and 1 (or more) for those it prints only with
	// -o wide.
	Priority int32 `json:"priority"`
}

// TableRow is one object's row.
type TableRow struct {
	// Cells hold one JSON value per column: strings, int64s, booleans or nil.
	Cells []any `json:"cells"`
	// Conditions mark the row; the only one Kubernetes defines is Completed, on pods that have run
	// to completion.
	Conditions []TableRowCondition `json:"conditions,omitempty"`
	// Object is the row's object as TableOptions.IncludeObject asked: its metadata as a
	// PartialObjectMetadata (the default), the whole object, or nothing (written as null, as
	// Kubernetes writes it).
	Object RawObject `json:"object"`
}

// RowConditionType names a row condition.
type RowConditionType string

// RowCompleted marks a row whose object has run to completion, so that a client may give it less
// visual priority.
const RowCompleted RowConditionType = "Completed"

// TableRowCondition is one condition of a row.
type TableRowCondition struct {
	Type RowConditionType `json:"type"`
	// Status is "True", "False" or "Unknown".
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// IncludeObjectPolicy says what a row's object field holds.
type IncludeObjectPolicy string

// The include-object policies.
const (
	// IncludeNone leaves each row's object null.
	IncludeNone IncludeObjectPolicy = "None"
	// IncludeMetadata puts each object's metadata, as a PartialObjectMetadata, in its row. It is the
	// default: kubectl reads the namespace (get -A) and labels (--show-labels) from it.
	IncludeMetadata IncludeObjectPolicy = "Metadata"
	// IncludeObject puts each whole object in its row (kubectl asks for it with --sort-by).
	IncludeObject IncludeObjectPolicy = "Object"
)

// TableOptions are the options of a request for a Table, from its query string.
type TableOptions struct {
	meta.TypeMeta `json:",inline"`
	// IncludeObject is "", which means Metadata, or one of the IncludeObjectPolicy values.
	IncludeObject IncludeObjectPolicy `json:"includeObject,omitempty"`
}

// ParseTableOptions reads the options of a Table request from its query string
// ("?includeObject=Object"), and validates them as TableOptions.Validate does.
func ParseTableOptions(query url.Values) (TableOptions, error) {
	opts := TableOptions{IncludeObject: IncludeObjectPolicy(query.Get("includeObject"))}
	return opts, opts.Validate()
}

// ErrIncludeObject is wrapped by the error about an includeObject value that is not None, Metadata
// or Object; kube-apiserver answers it with 400 Bad Request.
var ErrIncludeObject = errors.New("table: unrecognized includeObject value")

// Validate reports an includeObject value Kubernetes does not know. The error's text is the message
// of kube-apiserver's 400 Bad Request: "Unable to convert to Table as requested: includeObject:
// Invalid value: \"All\": must be 'Metadata', 'Object', 'None', or empty".
func (o TableOptions) Validate() error {
	switch o.IncludeObject {
	case "", IncludeNone, IncludeMetadata, IncludeObject:
		return nil
	}
	return &includeObjectError{field.Invalid(field.NewPath("includeObject"), string(o.IncludeObject),
		"must be 'Metadata', 'Object', 'None', or empty")}
}

type includeObjectError struct{ err *field.Error }

func (e *includeObjectError) Error() string {
	return "Unable to convert to Table as requested: " + e.err.Error()
}

func (e *includeObjectError) Unwrap() []error { return []error{ErrIncludeObject, e.err} }

// PartialObjectMetadata is any object reduced to its metadata: what a Table row holds by default,
// and what a client gets when it asks for "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1".
type PartialObjectMetadata struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
}

// PartialObjectMetadataList is a list reduced to its items' metadata, for
// "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1" (metadata-only informers and the
// garbage collector ask for it).
type PartialObjectMetadataList struct {
	meta.TypeMeta `json:",inline"`
	meta.ListMeta `json:"metadata"`
	// Items each carry apiVersion meta.k8s.io/v1 and kind PartialObjectMetadata.
	Items []PartialObjectMetadata `json:"items"`
}

// AsPartialObjectMetadata returns obj's metadata as a PartialObjectMetadata of meta.k8s.io/v1. The
// result shares obj's maps and slices: it is read-only, like obj.
func AsPartialObjectMetadata(obj meta.Object) *PartialObjectMetadata {
	return &PartialObjectMetadata{
		TypeMeta:   meta.TypeMeta{APIVersion: APIVersion, Kind: "PartialObjectMetadata"},
		ObjectMeta: *obj.GetObjectMeta(),
	}
}

// AsPartialObjectMetadataList returns the items' metadata as a PartialObjectMetadataList with the
// given list metadata. Like AsPartialObjectMetadata, it shares memory with the items.
func AsPartialObjectMetadataList(items []meta.Object, list meta.ListMeta) *PartialObjectMetadataList {
	out := &PartialObjectMetadataList{
		TypeMeta: meta.TypeMeta{APIVersion: APIVersion, Kind: "PartialObjectMetadataList"},
		ListMeta: list,
		Items:    make([]PartialObjectMetadata, len(items)),
	}
	for i, obj := range items {
		out.Items[i] = PartialObjectMetadata{
			TypeMeta:   meta.TypeMeta{APIVersion: APIVersion, Kind: "PartialObjectMetadata"},
			ObjectMeta: *obj.GetObjectMeta(),
		}
	}
	return out
}

// RawObject is an object embedded in another, as Kubernetes' RawExtension: when encoding, Object is
// written (or Raw, if set); when decoding, Raw receives the object's JSON. Both empty is null.
type RawObject struct {
	// Raw is the object's JSON, as read; it wins over Object when encoding.
	Raw json.RawMessage
	// Object is the value to encode: a *PartialObjectMetadata, an API object, or nil.
	Object any
}

// MarshalJSON writes Raw, or Object, or null.
func (r RawObject) MarshalJSON() ([]byte, error) {
	if r.Raw != nil {
		return r.Raw, nil
	}
	if r.Object == nil {
		return []byte("null"), nil
	}
	return json.Marshal(r.Object)
}

// UnmarshalJSON keeps a copy of the object's JSON in Raw; null leaves both fields empty.
func (r *RawObject) UnmarshalJSON(b []byte) error {
	r.Object = nil
	if bytes.Equal(b, []byte("null")) {
		r.Raw = nil
		return nil
	}
	r.Raw = append(r.Raw[:0:0], b...)
	return nil
}

// withKind encodes an object with the apiVersion and kind it must carry in a row, without writing
// to the object: objects handed to Convert are shared and read-only, and often have an empty
// TypeMeta (the wire needs it; a Go value does not).
type withKind struct {
	obj              meta.Object
	apiVersion, kind string
}

func (w withKind) MarshalJSON() ([]byte, error) {
	tm := w.obj.GetTypeMeta()
	switch {
	case tm.APIVersion == w.apiVersion && tm.Kind == w.kind:
		return json.Marshal(w.obj)
	case tm.APIVersion != "" || tm.Kind != "":
		// Set, but to something else: fix a private copy.
		c := w.obj.DeepCopyObject()
		c.GetTypeMeta().APIVersion, c.GetTypeMeta().Kind = w.apiVersion, w.kind
		return json.Marshal(c)
	}
	data, err := json.Marshal(w.obj)
	if err != nil {
		return nil, err
	}
	if len(data) < 2 || data[0] != '{' {
		return nil, fmt.Errorf("table: %T does not encode as a JSON object", w.obj)
	}
	head, err := json.Marshal(meta.TypeMeta{APIVersion: w.apiVersion, Kind: w.kind})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(data)+len(head))
	out = append(out, head[:len(head)-1]...) // {"apiVersion":..,"kind":..
	if len(data) > 2 {
		out = append(out, ',')
	}
	return append(out, data[1:]...), nil
}
