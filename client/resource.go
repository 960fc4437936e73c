package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

// GetOptions qualify a get.
type GetOptions struct {
	// ResourceVersion "0" lets the server answer from its cache; empty asks for the latest.
	ResourceVersion string
}

// ListOptions select what a list or watch returns.
type ListOptions struct {
	LabelSelector string
	FieldSelector string
	// Limit and Continue page through a long list.
	Limit    int64
	Continue string
	// ResourceVersion is where a watch starts; for a list, "0" allows any revision.
	ResourceVersion      string
	ResourceVersionMatch string
	// TimeoutSeconds ends a watch (or a list) after that long; the server's default when zero.
	TimeoutSeconds int64
	// AllowWatchBookmarks asks for BOOKMARK events that carry the watch's revision.
	AllowWatchBookmarks bool
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	if o.LabelSelector != "" {
		q.Set("labelSelector", o.LabelSelector)
	}
	if o.FieldSelector != "" {
		q.Set("fieldSelector", o.FieldSelector)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.FormatInt(o.Limit, 10))
	}
	if o.Continue != "" {
		q.Set("continue", o.Continue)
	}
	if o.ResourceVersion != "" {
		q.Set("resourceVersion", o.ResourceVersion)
	}
	if o.ResourceVersionMatch != "" {
		q.Set("resourceVersionMatch", o.ResourceVersionMatch)
	}
	if o.TimeoutSeconds > 0 {
		q.Set("timeoutSeconds", strconv.FormatInt(o.TimeoutSeconds, 10))
	}
	if o.AllowWatchBookmarks {
		q.Set("allowWatchBookmarks", "true")
	}
	return q
}

// WriteOptions qualify a create, update or patch.
type WriteOptions struct {
	// DryRun runs admission and validation without storing anything.
	DryRun bool
	// FieldManager names the writer in managedFields; server-side apply needs one.
	FieldManager string
	// FieldValidation is Strict, Warn or Ignore: what the server does with unknown fields.
	FieldValidation string
}

// CreateOptions and UpdateOptions are WriteOptions under client-go's names.
type (
	CreateOptions = WriteOptions
	UpdateOptions = WriteOptions
)

func (o WriteOptions) query() url.Values {
	q := url.Values{}
	if o.DryRun {
		q.Set("dryRun", "All")
	}
	if o.FieldManager != "" {
		q.Set("fieldManager", o.FieldManager)
	}
	if o.FieldValidation != "" {
		q.Set("fieldValidation", o.FieldValidation)
	}
	return q
}

// PatchOptions qualify a patch.
type PatchOptions struct {
	WriteOptions
	// Force takes over fields other managers own, for server-side apply.
	Force bool
}

// PatchType is the content type that says how a patch is read.
type PatchType string

// The patch types Kubernetes accepts.
const (
	JSONPatchType           PatchType = "application/json-patch+json"
	MergePatchType          PatchType = "application/merge-patch+json"
	StrategicMergePatchType PatchType = "application/strategic-merge-patch+json"
	ApplyPatchType          PatchType = "application/apply-patch+yaml"
)

// DeleteOptions qualify a delete.
type DeleteOptions = meta.DeleteOptions

// Resource is a typed client for one kind, T being a pointer to its struct (*core.Pod). Make one
// with For; Namespace narrows it. A Resource is a small value: make them freely.
type Resource[T meta.Object] struct {
	c    *Client
	kind *api.Kind
	err  error
	ns   string
}

// For returns the typed client for T's kind. If the client's registry does not hold T, every call
// fails with an error that wraps ErrUnknownKind.
func For[T meta.Object](c *Client) *Resource[T] {
	var zero T
	k, err := c.reg.KindOf(zero)
	return &Resource[T]{c: c, kind: k, err: err}
}

// ForKind returns an untyped client for a kind known only at run time (from the registry or
// discovery): objects come back as meta.Object values of the kind's Go type. The garbage
// collector and the namespace controller, which work on every kind, use it.
func ForKind(c *Client, k *api.Kind) *Resource[meta.Object] {
	if k == nil {
		return &Resource[meta.Object]{c: c, err: fmt.Errorf("%w: nil kind", ErrUnknownKind)}
	}
	return &Resource[meta.Object]{c: c, kind: k}
}

// Namespace returns a client for the objects of one namespace. On a namespaced kind without a
// namespace, lists and watches span every namespace, and creates and updates use the object's own.
func (r *Resource[T]) Namespace(ns string) *Resource[T] {
	out := *r
	out.ns = ns
	return &out
}

// Kind describes the kind the client serves; nil when T is not registered.
func (r *Resource[T]) Kind() *api.Kind { return r.kind }

// path builds the URL path of the kind, in namespace ns, of the named object and subresource.
func (r *Resource[T]) path(ns, name, sub string) string {
	k := r.kind
	p := "/apis/" + k.Group + "/" + k.Version
	if k.Group == "" {
		p = "/api/" + k.Version
	}
	if k.Namespaced && ns != "" {
		p += "/namespaces/" + url.PathEscape(ns)
	}
	p += "/" + k.Resource
	if name != "" {
		p += "/" + url.PathEscape(name)
		if sub != "" {
			p += "/" + sub
		}
	}
	return p
}

// target checks the call can be made and returns the namespace it goes to. obj, when not nil, is
// the object being written, whose namespace is used when the client has none.
func (r *Resource[T]) target(verb, name string, obj meta.Object) (string, error) {
	if r.err != nil {
		return "", fmt.Errorf("client: %s: %w", verb, r.err)
	}
	collection := verb == "list" || verb == "watch" || verb == "deletecollection"
	if name == "" && !collection && verb != "create" {
		return "", fmt.Errorf("client: %s %s: the object's name may not be empty", verb, r.kind.Resource)
	}
	if !r.kind.Namespaced {
		return "", nil
	}
	ns := r.ns
	if obj != nil {
		on := obj.GetObjectMeta().Namespace
		switch {
		case ns == "":
			ns = on
		case on != "" && on != ns:
			return "", fmt.Errorf("client: %s %s %q: the object's namespace %q does not match the client's %q",
				verb, r.kind.Resource, name, on, ns)
		}
	}
	if ns == "" && !collection {
		return "", fmt.Errorf("client: %s %s %q: a namespace is required", verb, r.kind.Resource, name)
	}
	return ns, nil
}

func (r *Resource[T]) decode(b []byte) (T, error) {
	obj := r.kind.New().(T)
	if err := json.Unmarshal(b, obj); err != nil {
		var zero T
		return zero, fmt.Errorf("client: decoding a %s: %w", r.kind.Kind, err)
	}
	_ = r.c.reg.SetKind(obj)
	return obj, nil
}

func (r *Resource[T]) object(ctx context.Context, req Request) (T, error) {
	b, err := r.c.Do(ctx, req)
	if err != nil {
		var zero T
		return zero, err
	}
	return r.decode(b)
}

// Get returns the named object.
func (r *Resource[T]) Get(ctx context.Context, name string, opts GetOptions) (T, error) {
	ns, err := r.target("get", name, nil)
	if err != nil {
		var zero T
		return zero, err
	}
	req := Request{Path: r.path(ns, name, "")}
	if opts.ResourceVersion != "" {
		req.Query = url.Values{"resourceVersion": {opts.ResourceVersion}}
	}
	return r.object(ctx, req)
}

// List returns the objects opts select, one page of them when opts.Limit is set.
func (r *Resource[T]) List(ctx context.Context, opts ListOptions) (*meta.List[T], error) {
	ns, err := r.target("list", "", nil)
	if err != nil {
		return nil, err
	}
	var list meta.List[T]
	req := Request{Path: r.path(ns, "", ""), Query: opts.query()}
	if reflect.TypeFor[T]().Kind() == reflect.Interface {
		// An untyped client (ForKind): each item is decoded into the kind's own Go type.
		var raw struct {
			meta.TypeMeta `json:",inline"`
			meta.ListMeta `json:"metadata"`
			Items         []json.RawMessage `json:"items"`
		}
		if err := r.c.call(ctx, req, &raw); err != nil {
			return nil, err
		}
		list.TypeMeta, list.ListMeta = raw.TypeMeta, raw.ListMeta
		list.Items = make([]T, 0, len(raw.Items))
		for _, it := range raw.Items {
			obj, err := r.decode(it)
			if err != nil {
				return nil, err
			}
			list.Items = append(list.Items, obj)
		}
		return &list, nil
	}
	if err := r.c.call(ctx, req, &list); err != nil {
		return nil, err
	}
	for _, it := range list.Items {
		_ = r.c.reg.SetKind(it)
	}
	return &list, nil
}

// Create stores a new object and returns it as stored.
func (r *Resource[T]) Create(ctx context.Context, obj T, opts CreateOptions) (T, error) {
	var zero T
	ns, err := r.target("create", obj.GetObjectMeta().Name, obj)
	if err != nil {
		return zero, err
	}
	body, err := r.c.reg.Encode(obj)
	if err != nil {
		return zero, err
	}
	return r.object(ctx, Request{Method: http.MethodPost, Path: r.path(ns, "", ""), Query: opts.query(), Body: body})
}

// Update replaces an object; its resourceVersion, when set, must be the stored one or the update
// fails with a conflict.
func (r *Resource[T]) Update(ctx context.Context, obj T, opts UpdateOptions) (T, error) {
	return r.update(ctx, obj, "", opts)
}

// UpdateStatus replaces an object's status through the status subresource.
func (r *Resource[T]) UpdateStatus(ctx context.Context, obj T, opts UpdateOptions) (T, error) {
	return r.update(ctx, obj, "status", opts)
}

func (r *Resource[T]) update(ctx context.Context, obj T, sub string, opts UpdateOptions) (T, error) {
	var zero T
	name := obj.GetObjectMeta().Name
	ns, err := r.target("update", name, obj)
	if err != nil {
		return zero, err
	}
	body, err := r.c.reg.Encode(obj)
	if err != nil {
		return zero, err
	}
	return r.object(ctx, Request{Method: http.MethodPut, Path: r.path(ns, name, sub), Query: opts.query(), Body: body})
}

// Patch changes the named object (or its subresource, such as "status") with a patch of type pt.
func (r *Resource[T]) Patch(ctx context.Context, name string, pt PatchType, data []byte, opts PatchOptions, subresource ...string) (T, error) {
	var zero T
	ns, err := r.target("patch", name, nil)
	if err != nil {
		return zero, err
	}
	sub := ""
	if len(subresource) > 0 {
		sub = subresource[0]
	}
	q := opts.WriteOptions.query()
	if opts.Force {
		q.Set("force", "true")
	}
	if pt == ApplyPatchType && opts.FieldManager == "" {
		return zero, fmt.Errorf("client: apply %s %q: server-side apply needs a field manager", r.kind.Resource, name)
	}
	return r.object(ctx, Request{Method: http.MethodPatch, Path: r.path(ns, name, sub), Query: q, Body: data, ContentType: string(pt)})
}

// Apply sends obj as a server-side apply configuration: the fields it sets become the field
// manager's, and fields the manager set before but obj leaves out are removed.
func (r *Resource[T]) Apply(ctx context.Context, obj T, opts PatchOptions) (T, error) {
	body, err := r.c.reg.Encode(obj)
	if err != nil {
		var zero T
		return zero, err
	}
	if _, err := r.target("apply", obj.GetObjectMeta().Name, obj); err != nil {
		var zero T
		return zero, err
	}
	rr := r
	if r.kind.Namespaced && r.ns == "" {
		rr = r.Namespace(obj.GetObjectMeta().Namespace)
	}
	return rr.Patch(ctx, obj.GetObjectMeta().Name, ApplyPatchType, body, opts)
}

// Delete deletes the named object. An object with finalizers, or a pod with a grace period, is
// only marked for deletion; the call still succeeds.
func (r *Resource[T]) Delete(ctx context.Context, name string, opts DeleteOptions) error {
	ns, err := r.target("delete", name, nil)
	if err != nil {
		return err
	}
	body, err := deleteBody(opts)
	if err != nil {
		return err
	}
	_, err = r.c.Do(ctx, Request{Method: http.MethodDelete, Path: r.path(ns, name, ""), Body: body})
	return err
}

// DeleteCollection deletes every object sel selects.
func (r *Resource[T]) DeleteCollection(ctx context.Context, opts DeleteOptions, sel ListOptions) error {
	ns, err := r.target("deletecollection", "", nil)
	if err != nil {
		return err
	}
	body, err := deleteBody(opts)
	if err != nil {
		return err
	}
	_, err = r.c.Do(ctx, Request{Method: http.MethodDelete, Path: r.path(ns, "", ""), Query: sel.query(), Body: body})
	return err
}

func deleteBody(opts DeleteOptions) ([]byte, error) {
	opts.APIVersion, opts.Kind = "meta.k8s.io/v1", "DeleteOptions"
	return json.Marshal(opts)
}

// GetSubresource reads a subresource (such as "scale") of the named object into out.
func (r *Resource[T]) GetSubresource(ctx context.Context, name, sub string, out any) error {
	ns, err := r.target("get", name, nil)
	if err != nil {
		return err
	}
	return r.c.call(ctx, Request{Path: r.path(ns, name, sub)}, out)
}

// CreateSubresource posts in to a subresource of the named object ("binding", "eviction",
// "token") and decodes the answer into out, unless out is nil.
func (r *Resource[T]) CreateSubresource(ctx context.Context, name, sub string, in, out any, opts CreateOptions) error {
	return r.writeSubresource(ctx, http.MethodPost, name, sub, in, out, opts)
}

// UpdateSubresource puts in to a subresource of the named object ("scale") and decodes the answer
// into out, unless out is nil.
func (r *Resource[T]) UpdateSubresource(ctx context.Context, name, sub string, in, out any, opts UpdateOptions) error {
	return r.writeSubresource(ctx, http.MethodPut, name, sub, in, out, opts)
}

func (r *Resource[T]) writeSubresource(ctx context.Context, method, name, sub string, in, out any, opts WriteOptions) error {
	ns, err := r.target("create", name, nil)
	if err != nil {
		return err
	}
	if o, ok := in.(meta.Object); ok {
		_ = r.c.reg.SetKind(o)
	}
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("client: encoding %s/%s: %w", r.kind.Resource, sub, err)
	}
	return r.c.call(ctx, Request{Method: method, Path: r.path(ns, name, sub), Query: opts.query(), Body: body}, out)
}
