package protobuf

import (
	"errors"
	"mime"
	"strconv"
	"strings"
	"sync"

	"github.com/skiff-io/skiff/api"
)

// ContentType is the media type of Kubernetes' protobuf encoding.
const ContentType = "application/vnd.kubernetes.protobuf"

// Prefix starts every body in Kubernetes' protobuf encoding: "k8s" and an encoding byte, 0 for a
// runtime.Unknown envelope around the object's own protobuf message.
const Prefix = "k8s\x00"

// DefaultMaxJSONBytes is the largest JSON form Convert writes unless Options say otherwise. A
// protobuf body can grow several times over as JSON (every empty field becomes `"name":""`), so
// the bound is on the output, not the input.
const DefaultMaxJSONBytes = 64 << 20

// maxDepth bounds how deep messages may nest. Kubernetes' types nest about 12 deep (a pod
// affinity term inside a deployment); the bound only matters to hostile bodies.
const maxDepth = 64

// ErrInvalid is wrapped by every error Convert and ToJSON return.
var ErrInvalid = errors.New("protobuf: invalid body")

// Error is a body Convert cannot turn into JSON. It wraps ErrInvalid.
type Error struct {
	// Kind is the apiVersion and kind the envelope names ("apps/v1 Deployment"), "runtime.Unknown
	// envelope" when the failure is in the envelope, or "" when it is in the prefix.
	Kind string
	// Path names the fields from the object down to the bad one, by number and name:
	// "field 2 (spec): field 1 (replicas)". Empty when the failure is not in a field.
	Path string
	// Field is the same path as JSON names: "spec.template.spec.containers[0].ports[1].containerPort".
	Field string
	// Msg says what is wrong.
	Msg string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("protobuf: ")
	if e.Kind != "" {
		b.WriteString(e.Kind)
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

// IsProtobuf reports whether contentType, as in a Content-Type header, is Kubernetes' protobuf
// encoding, with or without parameters.
func IsProtobuf(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		// Be as lenient as kube-apiserver: the part before any ';' decides.
		mediaType, _, _ = strings.Cut(contentType, ";")
		mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	}
	return mediaType == ContentType
}

// Options configure Convert. The zero value is strict and bounded by DefaultMaxJSONBytes.
type Options struct {
	// DiscardUnknownFields skips field numbers the schema does not know instead of failing, as
	// kube-apiserver's generated code does (it drops them silently). Each skipped field is
	// reported in Result.Discarded, so that the caller can warn as it does for unknown JSON fields.
	DiscardUnknownFields bool
	// MaxJSONBytes bounds the JSON form; 0 means DefaultMaxJSONBytes.
	MaxJSONBytes int
}

// Result is a body converted to JSON.
type Result struct {
	// GroupVersionKind is what the envelope names.
	GroupVersionKind api.GroupVersionKind
	// JSON is the object in Kubernetes' JSON form, apiVersion and kind included, ready for
	// api.Registry.Decode. It belongs to the caller.
	JSON []byte
	// Discarded names the unknown fields skipped under Options.DiscardUnknownFields, as the JSON
	// path of their message and their number: "spec.template.spec: field 99".
	Discarded []string
}

// ToJSON converts a body in Kubernetes' protobuf encoding to Kubernetes' JSON form, strictly:
// a field number the schema does not know is an error. It returns the group, version and kind
// the envelope names and the JSON, which belongs to the caller. Every error wraps ErrInvalid.
func ToJSON(data []byte) (api.GroupVersionKind, []byte, error) {
	r, err := Options{}.Convert(data)
	if err != nil {
		return api.GroupVersionKind{}, nil, err
	}
	return r.GroupVersionKind, r.JSON, nil
}

var decoders = sync.Pool{New: func() any { return new(decoder) }}

// Convert converts a body in Kubernetes' protobuf encoding to Kubernetes' JSON form: it strips
// the "k8s\x00" prefix, reads the runtime.Unknown envelope, finds the message of the apiVersion
// and kind the envelope names, and writes the object as JSON, apiVersion and kind first. The
// envelope's contentEncoding and contentType are ignored, as kube-apiserver ignores them.
// Every error wraps ErrInvalid and is an *Error.
func (o Options) Convert(data []byte) (*Result, error) {
	if len(data) < len(Prefix) || string(data[:len(Prefix)]) != Prefix {
		return nil, &Error{Msg: `body does not start with the Kubernetes protobuf prefix "k8s\x00"`}
	}
	body := data[len(Prefix):]
	if len(body) == 0 {
		return nil, &Error{Msg: "empty body after the prefix"}
	}

	d := decoders.Get().(*decoder)
	defer func() {
		d.reset()
		decoders.Put(d)
	}()
	d.opts = o
	d.maxOut = o.MaxJSONBytes
	if d.maxOut <= 0 {
		d.maxOut = DefaultMaxJSONBytes
	}

	apiVersion, kind, raw, err := d.envelope(body)
	if err != nil {
		return nil, err
	}
	group, version, _ := strings.Cut(apiVersion, "/")
	if version == "" {
		group, version = "", apiVersion
	}
	gvk := api.GroupVersionKind{Group: group, Version: version, Kind: kind}
	d.kind = apiVersion + " " + kind
	m := messageOfKind(apiVersion, kind)
	if m == nil {
		return nil, &Error{Kind: d.kind, Msg: "not a kind this server can read from protobuf (it knows " + knownGroupVersions() + ")"}
	}

	// Kubernetes' bodies grow three to six times as JSON (every non-pointer field is on the wire).
	d.out = make([]byte, 0, min(4*len(body)+256, d.maxOut))
	d.out = append(d.out, `{"apiVersion":`...)
	d.out = appendString(d.out, apiVersion)
	d.out = append(d.out, `,"kind":`...)
	d.out = appendString(d.out, kind)
	if _, err := d.fields(m, raw, false); err != nil {
		return nil, err
	}
	d.out = append(d.out, '}')
	if len(d.out) > d.maxOut {
		return nil, d.tooBig()
	}
	return &Result{GroupVersionKind: gvk, JSON: d.out, Discarded: d.discarded}, nil
}

func knownGroupVersions() string {
	var b strings.Builder
	for i, p := range schemaPackages {
		if i > 0 {
			b.WriteString(", ")
		}
		if p.group != "" {
			b.WriteString(p.group + "/")
		}
		b.WriteString(p.version)
	}
	return b.String()
}

// envelope reads the runtime.Unknown message: typeMeta {apiVersion, kind}, raw, contentEncoding,
// contentType.
func (d *decoder) envelope(body []byte) (apiVersion, kind string, raw []byte, err error) {
	unknown := messages[pkgRuntime+"Unknown"]
	d.kind = "runtime.Unknown envelope"
	var vals leafValues
	if err := d.leaf(unknown, body, &vals); err != nil {
		return "", "", nil, err
	}
	if vals.set[1] {
		typeMeta := messages[pkgRuntime+"TypeMeta"]
		d.path = append(d.path, pathElem{num: 1, name: "typeMeta", index: -1})
		var tm leafValues
		if err := d.leaf(typeMeta, vals.e[1].b, &tm); err != nil {
			return "", "", nil, err
		}
		d.path = d.path[:0]
		apiVersion, kind = string(tm.e[1].b), string(tm.e[2].b)
	}
	switch {
	case kind == "":
		return "", "", nil, d.failf(nil, "the envelope names no kind")
	case apiVersion == "":
		return "", "", nil, d.failf(nil, "the envelope names no apiVersion for kind %s", strconv.Quote(kind))
	}
	return apiVersion, kind, vals.e[2].b, nil
}
