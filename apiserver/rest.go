package apiserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
	"github.com/skiff-io/skiff/apiserver/patch"
	"github.com/skiff-io/skiff/apiserver/table"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/store"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// request is one resource request, resolved.
type request struct {
	w    http.ResponseWriter
	r    *http.Request
	ri   *RequestInfo
	kind *api.Kind
	out  output
	// namespace of the object ("" for cluster-scoped kinds, including namespaces themselves).
	namespace string
	// includeUninitialized: the client asked to see objects whose initializers are still pending.
	includeUninitialized bool
}

// visible reports whether the client may see obj: initialized, or asked for uninitialized ones.
func (q *request) visible(obj meta.Object) bool {
	return q.includeUninitialized || obj.GetObjectMeta().Initialized()
}

func (q *request) gr() apierrors.GroupResource {
	return apierrors.GroupResource{Group: q.kind.Group, Resource: q.kind.Resource}
}

func (q *request) key(name string) string { return store.Key(q.kind.KeyPrefix(), q.namespace, name) }

// fail writes err as a Status.
func (q *request) fail(err error) { writeStatusRaw(q.w, apierrors.StatusOf(err)) }

func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, ri *RequestInfo) {
	k, ok := s.resources[gvr{ri.APIGroup, ri.APIVersion, ri.Resource}]
	if !ok {
		writeStatusRaw(w, apierrors.NewNotFoundPath())
		return
	}
	q := &request{w: w, r: r, ri: ri, kind: k, includeUninitialized: r.URL.Query().Get("includeUninitialized") == "true"}
	switch {
	case k.Namespaced:
		q.namespace = ri.Namespace
		if len(ri.Parts) >= 2 && ri.Namespace == "" {
			// A named namespaced object needs its namespace in the path.
			writeStatusRaw(w, apierrors.NewNotFoundPath())
			return
		}
	case ri.Resource != "namespaces" && ri.Namespace != "":
		writeStatusRaw(w, apierrors.NewNotFoundPath())
		return
	}
	out, err := negotiate(r)
	if err != nil {
		q.fail(err)
		return
	}
	q.out = out
	if ri.Subresource != "" {
		if !k.HasSubresource(ri.Subresource) {
			writeStatusRaw(w, apierrors.NewNotFoundPath())
			return
		}
		s.serveSubresource(q)
		return
	}
	if k.Virtual {
		s.serveVirtual(q)
		return
	}
	switch ri.Verb {
	case "get":
		s.handleGet(q)
	case "list":
		s.handleList(q)
	case "watch":
		s.handleWatch(q)
	case "create":
		if ri.Name != "" {
			q.fail(apierrors.NewMethodNotSupported(q.gr(), "create on a named object"))
			return
		}
		s.handleCreate(q)
	case "update":
		s.handleUpdate(q)
	case "patch":
		s.handlePatch(q)
	case "delete":
		s.handleDelete(q)
	case "deletecollection":
		s.handleDeleteCollection(q)
	default:
		writeStatusRaw(w, &meta.Status{TypeMeta: meta.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: meta.StatusFailure,
			Code: http.StatusMethodNotAllowed, Reason: meta.StatusReasonMethodNotAllowed,
			Message: "the server does not allow this method on the requested resource"})
	}
}

// storeError turns a store error about the object name of kind k into the API's Status.
func storeError(k *api.Kind, name string, err error) error {
	var st *meta.Status
	if errors.As(err, &st) {
		return st
	}
	gr := apierrors.GroupResource{Group: k.Group, Resource: k.Resource}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return apierrors.NewNotFound(gr, name)
	case errors.Is(err, store.ErrAlreadyExists):
		return apierrors.NewAlreadyExists(gr, name)
	case errors.Is(err, store.ErrConflict):
		var oe *store.OpError
		detail := "the object has been modified; please apply your changes to the latest version and try again"
		if errors.As(err, &oe) && strings.HasPrefix(oe.Detail, "Precondition failed") {
			detail = oe.Detail
		}
		return apierrors.NewConflict(gr, name, errors.New(detail))
	case errors.Is(err, store.ErrTooOldResourceVersion):
		return apierrors.NewGone("too old resource version: " + err.Error())
	case errors.Is(err, store.ErrContinueExpired):
		return apierrors.NewResourceExpired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
	case errors.Is(err, store.ErrInvalidContinue), errors.Is(err, store.ErrInvalidResourceVersion):
		return apierrors.NewBadRequest(err.Error())
	case errors.Is(err, store.ErrClosed), errors.Is(err, store.ErrFailed):
		return apierrors.NewServiceUnavailable(err.Error())
	}
	return apierrors.NewInternalError(err)
}

// --- get and list ---

func (s *Server) handleGet(q *request) {
	obj, err := s.store.Get(q.r.Context(), q.key(q.ri.Name))
	if err == nil && !q.visible(obj) {
		err = store.ErrNotFound
	}
	if err != nil {
		q.fail(storeError(q.kind, q.ri.Name, err))
		return
	}
	s.writeObjects(q, http.StatusOK, obj, nil, meta.ListMeta{})
}

// selectors parses labelSelector and fieldSelector; field selectors may only name the kind's
// selectable fields.
func (s *Server) selectors(q *request) (store.Filter, error) {
	query := q.r.URL.Query()
	ls, err := labels.Parse(query.Get("labelSelector"))
	if err != nil {
		return nil, apierrors.NewBadRequest("unable to parse requirement: " + err.Error())
	}
	fs, err := fields.ParseSelector(query.Get("fieldSelector"))
	if err != nil {
		return nil, apierrors.NewBadRequest(err.Error())
	}
	allowed := map[string]bool{}
	for _, f := range q.kind.FieldLabels() {
		allowed[f] = true
	}
	for _, req := range fs.Requirements() {
		if !allowed[req.Field] {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("field label not supported: %s", req.Field))
		}
	}
	f := store.SelectorFilter(ls, fs, q.kind.FieldSet)
	if q.includeUninitialized {
		return f, nil
	}
	// Uninitialized objects stay out of lists and watches; a watcher sees one ADDED when its last
	// initializer is done, by the store's filter transitions.
	if f == nil {
		return initializedFilter, nil
	}
	return func(o meta.Object) bool { return initializedFilter(o) && f(o) }, nil
}

func (s *Server) handleList(q *request) {
	filter, err := s.selectors(q)
	if err != nil {
		q.fail(err)
		return
	}
	query := q.r.URL.Query()
	opts := store.ListOptions{Filter: filter, Continue: query.Get("continue")}
	if l := query.Get("limit"); l != "" {
		n, err := strconv.ParseInt(l, 10, 64)
		if err != nil || n < 0 {
			q.fail(apierrors.NewBadRequest(fmt.Sprintf("limit must be a non-negative integer, not %q", l)))
			return
		}
		opts.Limit = n
	}
	if rv := query.Get("resourceVersion"); rv != "" {
		if _, err := store.ParseRevision(rv); err != nil {
			q.fail(apierrors.NewBadRequest(err.Error()))
			return
		}
	}
	res, err := s.store.List(q.r.Context(), store.Prefix(q.kind.KeyPrefix(), q.namespace), opts)
	if err != nil {
		q.fail(storeError(q.kind, "", err))
		return
	}
	lm := meta.ListMeta{ResourceVersion: store.FormatRevision(res.Revision), Continue: res.Continue, RemainingItemCount: res.RemainingItemCount}
	s.writeObjects(q, http.StatusOK, nil, res.Items, lm)
}

// writeObjects answers with one object (single != nil) or a list, as JSON, YAML or a Table.
func (s *Server) writeObjects(q *request, code int, single meta.Object, items []meta.Object, lm meta.ListMeta) {
	if q.out.table {
		objs := items
		if single != nil {
			objs = []meta.Object{single}
		}
		opts, err := table.ParseTableOptions(q.r.URL.Query())
		if err != nil {
			q.fail(apierrors.NewBadRequest(err.Error()))
			return
		}
		t, err := s.tables.Convert(q.kind.GroupVersionKind, objs, opts, lm, s.clock.Now())
		if err != nil {
			q.fail(apierrors.NewInternalError(err))
			return
		}
		writeJSON(q.w, output{}, code, t)
		return
	}
	if single != nil {
		writeJSON(q.w, q.out, code, single)
		return
	}
	if items == nil {
		items = []meta.Object{}
	}
	list := &meta.List[meta.Object]{TypeMeta: meta.TypeMeta{APIVersion: q.kind.APIVersion(), Kind: q.kind.Kind + "List"}, ListMeta: lm, Items: items}
	writeJSON(q.w, q.out, code, list)
}

// manager names who is writing, for managedFields: the fieldManager parameter, else the client's
// program name from its User-Agent, as kube-apiserver does ("kubectl", "kube-controller-manager").
func (q *request) manager() string {
	if m := q.r.URL.Query().Get("fieldManager"); m != "" {
		return m
	}
	ua := q.r.UserAgent()
	if i := strings.IndexByte(ua, '/'); i > 0 {
		ua = ua[:i]
	}
	if ua == "" {
		return "unknown"
	}
	if len(ua) > 128 {
		ua = ua[:128]
	}
	return ua
}

// trackFields records in obj's managedFields which fields manager set or changed since old (nil on
// create), so that server-side apply knows who owns what. The status of a kind with a status
// subresource is left out of main-resource writes, and everything but the status out of status
// writes, as Kubernetes resets those fields.
func (s *Server) trackFields(k *api.Kind, old, obj meta.Object, manager, sub string) error {
	schema, err := patch.SchemaFor(k.Type)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	fm := patch.FieldManager{Schema: schema, Now: s.clock.Now}
	switch {
	case sub == "status":
		fm.Ignored = [][]string{{"spec"}}
	case hasStatusSubresource(k):
		fm.Ignored = [][]string{{"status"}}
	}
	var oldJSON []byte
	if old != nil {
		if oldJSON, err = json.Marshal(old); err != nil {
			return apierrors.NewInternalError(err)
		}
	}
	newJSON, err := json.Marshal(obj)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	entries, err := fm.ManagedFields(oldJSON, newJSON, manager, patch.OperationUpdate)
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("recording managed fields: %w", err))
	}
	var tracked []meta.ManagedFieldsEntry
	if err := json.Unmarshal(entries, &tracked); err != nil {
		return apierrors.NewInternalError(err)
	}
	obj.GetObjectMeta().ManagedFields = tracked
	return nil
}

func initializedFilter(o meta.Object) bool { return o.GetObjectMeta().Initialized() }

// --- create ---

func dryRun(r *http.Request) (bool, error) {
	vals := r.URL.Query()["dryRun"]
	for _, v := range vals {
		if v != "All" {
			return false, apierrors.NewBadRequest(fmt.Sprintf("dryRun must be All, not %q", v))
		}
	}
	return len(vals) > 0, nil
}

func (s *Server) handleCreate(q *request) {
	body, err := readBody(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	obj, err := s.decodeObject(q.w, q.r, q.kind, body)
	if err != nil {
		q.fail(err)
		return
	}
	m := obj.GetObjectMeta()
	if q.kind.Namespaced {
		if m.Namespace == "" {
			m.Namespace = q.namespace
		} else if m.Namespace != q.namespace {
			q.fail(apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request"))
			return
		}
	} else {
		m.Namespace = ""
	}
	dry, err := dryRun(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	if q.kind.Group == "" && q.kind.Kind == "Binding" {
		s.bind(q, obj, dry)
		return
	}
	out, err := s.create(q.r.Context(), q.kind, obj, dry, q.manager())
	if err != nil {
		q.fail(err)
		return
	}
	if !out.GetObjectMeta().Initialized() && !dry {
		if q.includeUninitialized {
			// Stored, not yet ready: the initializers have work to do.
			s.writeObjects(q, http.StatusAccepted, out, nil, meta.ListMeta{})
			return
		}
		if out, err = s.waitInitialized(q, out); err != nil {
			q.fail(err)
			return
		}
	}
	s.writeObjects(q, http.StatusCreated, out, nil, meta.ListMeta{})
}

// waitInitialized holds a create until its object's initializers are done (the answer is then
// the initialized object), one of them failed it (the answer is its failure), or the request runs
// out of time, as kube-apiserver did for clients that did not ask for uninitialized objects.
func (s *Server) waitInitialized(q *request, obj meta.Object) (meta.Object, error) {
	m := obj.GetObjectMeta()
	rev, _ := store.ParseRevision(m.ResourceVersion)
	key := q.key(m.Name)
	w, err := s.store.Watch(q.r.Context(), key, store.WatchOptions{ResourceVersion: rev,
		Filter: func(o meta.Object) bool { return o.GetObjectMeta().UID == m.UID }})
	if err != nil {
		return nil, storeError(q.kind, m.Name, err)
	}
	defer w.Stop()
	timeout := s.clock.NewTimer(s.cfg.RequestTimeout)
	defer timeout.Stop()
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				return nil, apierrors.NewTimeout("request did not complete within allowed duration")
			}
			if ev.Key != key {
				continue
			}
			switch ev.Type {
			case store.Modified:
				if ev.Object.GetObjectMeta().Initialized() {
					return ev.Object, nil
				}
			case store.Deleted:
				if in := ev.Object.GetObjectMeta().Initializers; in != nil && in.Result != nil {
					return nil, in.Result
				}
				return nil, apierrors.NewNotFound(q.gr(), m.Name)
			case store.Error:
				return nil, storeError(q.kind, m.Name, ev.Err)
			}
		case <-timeout.C():
			return nil, apierrors.NewTimeout("request did not complete within allowed duration: the object's initializers did not finish")
		}
	}
}

// create stores a new object: name generation, server-set fields, defaulting, mutating admission,
// validation, validating admission, managedFields for manager (none when empty: server-side apply
// records its own), then the store. It is what POST does, and what bootstrap uses.
func (s *Server) create(ctx context.Context, k *api.Kind, obj meta.Object, dry bool, manager string) (meta.Object, error) {
	m := obj.GetObjectMeta()
	gen := m.Name == "" && m.GenerateName != ""
	for attempt := 0; ; attempt++ {
		if gen {
			m.Name = generateName(m.GenerateName)
		}
		s.prepareForCreate(k, obj)
		if k.Default != nil {
			k.Default(obj)
		}
		attrs := s.admissionAttrs(ctx, k, admission.Create, obj, nil, "", dry)
		if err := s.cfg.Admission.Admit(ctx, attrs); err != nil {
			return nil, s.admissionError(k, m.Name, err)
		}
		if errs := validateNew(k, obj); len(errs) > 0 {
			return nil, apierrors.NewInvalid(apierrors.GroupKind{Group: k.Group, Kind: k.Kind}, m.Name, errs)
		}
		if err := s.cfg.Admission.Validate(ctx, attrs); err != nil {
			return nil, s.admissionError(k, m.Name, err)
		}
		audit.Stage(ctx, "Admitted", meta.NewMicroTime(s.clock.Now()))
		if manager != "" {
			if err := s.trackFields(k, nil, obj, manager, ""); err != nil {
				return nil, err
			}
		}
		if dry {
			return obj, nil
		}
		out, err := s.store.Create(ctx, store.Key(k.KeyPrefix(), m.Namespace, m.Name), obj)
		if err != nil {
			// A generated name that collides gets another try, as kube-apiserver does.
			if gen && errors.Is(err, store.ErrAlreadyExists) && attempt < 8 {
				continue
			}
			return nil, storeError(k, m.Name, err)
		}
		audit.Stage(ctx, "Persisted", meta.NewMicroTime(s.clock.Now()))
		audit.Annotate(ctx, "persisted.skiff.io/resourceVersion", out.GetObjectMeta().ResourceVersion)
		return out, nil
	}
}

// validateNew validates a new object: the kind's own validation includes ObjectMeta; a kind
// without one gets ObjectMeta validation alone.
func validateNew(k *api.Kind, obj meta.Object) field.ErrorList {
	if k.Validate != nil {
		return k.Validate(obj)
	}
	return meta.ValidateObjectMeta(obj.GetObjectMeta(), k.Namespaced, validationNameFunc, field.NewPath("metadata"))
}

func validateChange(k *api.Kind, obj, old meta.Object, subresource string) field.ErrorList {
	if subresource == "status" && k.ValidateStatusUpdate != nil {
		return k.ValidateStatusUpdate(obj, old)
	}
	if k.ValidateUpdate != nil {
		return k.ValidateUpdate(obj, old)
	}
	return meta.ValidateObjectMetaUpdate(obj.GetObjectMeta(), old.GetObjectMeta(), field.NewPath("metadata"))
}

func (s *Server) admissionAttrs(ctx context.Context, k *api.Kind, op admission.Operation, obj, old meta.Object, sub string, dry bool) *admission.Attributes {
	u, _ := authn.UserFrom(ctx)
	a := &admission.Attributes{Operation: op, Object: obj, OldObject: old, Group: k.Group, Version: k.Version,
		Kind: k.Kind, Resource: k.Resource, Subresource: sub, User: u, DryRun: dry}
	m := obj
	if m == nil {
		m = old
	}
	if m != nil {
		a.Namespace, a.Name = m.GetObjectMeta().Namespace, m.GetObjectMeta().Name
	}
	return a
}

// admissionError turns a plugin's rejection into a Status: a plugin's own Status passes through,
// anything else is 403 Forbidden, as Kubernetes' admission.NewForbidden.
func (s *Server) admissionError(k *api.Kind, name string, err error) error {
	var st *meta.Status
	if errors.As(err, &st) {
		return st
	}
	return apierrors.NewForbidden(apierrors.GroupResource{Group: k.Group, Resource: k.Resource}, name, err)
}

// --- update and patch ---

func (s *Server) handleUpdate(q *request) {
	body, err := readBody(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	obj, err := s.decodeObject(q.w, q.r, q.kind, body)
	if err != nil {
		q.fail(err)
		return
	}
	if err := checkIdentity(q, obj); err != nil {
		q.fail(err)
		return
	}
	dry, err := dryRun(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	out, created, err := s.update(q, func(cur meta.Object) (meta.Object, error) {
		next := obj.DeepCopyObject()
		if want := next.GetObjectMeta().ResourceVersion; want != "" && cur != nil && want != cur.GetObjectMeta().ResourceVersion {
			return nil, apierrors.NewConflict(q.gr(), q.ri.Name, errors.New("the object has been modified; please apply your changes to the latest version and try again"))
		}
		return next, nil
	}, dry, true)
	if err != nil {
		q.fail(err)
		return
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	s.writeObjects(q, code, out, nil, meta.ListMeta{})
}

// checkIdentity makes sure a body names the object the URL names.
func checkIdentity(q *request, obj meta.Object) error {
	m := obj.GetObjectMeta()
	if m.Name == "" {
		m.Name = q.ri.Name
	}
	if m.Name != q.ri.Name {
		return apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", m.Name, q.ri.Name))
	}
	if q.kind.Namespaced {
		if m.Namespace == "" {
			m.Namespace = q.namespace
		} else if m.Namespace != q.namespace {
			return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
		}
	} else {
		m.Namespace = ""
	}
	return nil
}

// errDeleted tells update's caller that removing the last finalizer deleted the object.
var errDeleted = errors.New("deleted")

// update runs a read-modify-write on the named object. next computes the new object from the
// current one (nil when the object does not exist and createMissing allows creating it); the server
// then applies what it owns, defaults, admits and validates. It returns whether it created.
func (s *Server) update(q *request, next func(cur meta.Object) (meta.Object, error), dry, createMissing bool) (meta.Object, bool, error) {
	return s.updateTracked(q, next, dry, createMissing, true)
}

// updateTracked is update; track says whether the server records the change in managedFields
// (server-side apply records its own).
func (s *Server) updateTracked(q *request, next func(cur meta.Object) (meta.Object, error), dry, createMissing, track bool) (meta.Object, bool, error) {
	ctx := q.r.Context()
	k, name, sub := q.kind, q.ri.Name, q.ri.Subresource
	key := q.key(name)
	cur, err := s.store.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) && createMissing && sub == "" && allowCreateOnUpdate(k) {
		obj, err := next(nil)
		if err != nil {
			return nil, false, err
		}
		out, err := s.create(ctx, k, obj, dry, q.manager())
		return out, true, err
	}
	if err == nil && !q.visible(cur) {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, false, storeError(k, name, err)
	}
	var result meta.Object
	var failed bool
	tryUpdate := func(cur meta.Object) (meta.Object, error) {
		obj, err := next(cur)
		if err != nil {
			return nil, err
		}
		if err := checkIdentity(q, obj); err != nil {
			return nil, err
		}
		obj.GetObjectMeta().ResourceVersion = cur.GetObjectMeta().ResourceVersion
		s.prepareForUpdate(k, obj, cur, sub)
		if k.Default != nil && sub == "" {
			k.Default(obj)
		}
		attrs := s.admissionAttrs(ctx, k, admission.Update, obj, cur, sub, dry)
		if err := s.cfg.Admission.Admit(ctx, attrs); err != nil {
			return nil, s.admissionError(k, name, err)
		}
		if errs := validateChange(k, obj, cur, sub); len(errs) > 0 {
			return nil, apierrors.NewInvalid(apierrors.GroupKind{Group: k.Group, Kind: k.Kind}, name, errs)
		}
		if err := s.cfg.Admission.Validate(ctx, attrs); err != nil {
			return nil, s.admissionError(k, name, err)
		}
		if track {
			if err := s.trackFields(k, cur, obj, q.manager(), sub); err != nil {
				return nil, err
			}
		}
		if m := obj.GetObjectMeta(); m.Initializers != nil && m.Initializers.Result != nil {
			// An initializer failed the object: it is stored with the failure, then deleted, so
			// that a waiting creator sees why.
			failed = true
		}
		if m := obj.GetObjectMeta(); m.DeletionTimestamp != nil && len(m.Finalizers) == 0 && !namespacePending(obj) {
			// The last finalizer is gone from an object being deleted: delete it now.
			result = obj
			return nil, errDeleted
		}
		result = obj
		return obj, nil
	}
	if dry {
		obj, err := tryUpdate(cur.DeepCopyObject())
		if errors.Is(err, errDeleted) {
			return result, false, nil
		}
		return obj, false, err
	}
	out, err := s.store.GuaranteedUpdate(ctx, key, nil, tryUpdate)
	if err == nil && failed {
		cm := out.GetObjectMeta()
		uid, rv := cm.UID, cm.ResourceVersion
		del, err := s.store.Delete(ctx, key, &store.Preconditions{UID: &uid, ResourceVersion: &rv})
		if err != nil {
			return nil, false, storeError(k, name, err)
		}
		return del, false, nil
	}
	if errors.Is(err, errDeleted) {
		cm := result.GetObjectMeta()
		uid, rv := cm.UID, cm.ResourceVersion
		del, err := s.store.Delete(ctx, key, &store.Preconditions{UID: &uid, ResourceVersion: &rv})
		if err != nil {
			return nil, false, storeError(k, name, err)
		}
		return del, false, nil
	}
	if err != nil {
		return nil, false, storeError(k, name, err)
	}
	audit.Stage(ctx, "Persisted", meta.NewMicroTime(s.clock.Now()))
	return out, false, nil
}

// --- delete ---

func (s *Server) deleteOptions(w http.ResponseWriter, r *http.Request) (*meta.DeleteOptions, error) {
	opts := &meta.DeleteOptions{}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(body))) > 0 {
		if body, err = s.bodyToJSON(w, r, body); err != nil {
			return nil, err
		}
		if err := api.DecodeInto(body, opts); err != nil {
			return nil, apierrors.NewBadRequest("invalid DeleteOptions: " + err.Error())
		}
	}
	query := r.URL.Query()
	if g := query.Get("gracePeriodSeconds"); g != "" {
		n, err := strconv.ParseInt(g, 10, 64)
		if err != nil {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("gracePeriodSeconds must be an integer, not %q", g))
		}
		opts.GracePeriodSeconds = &n
	}
	if p := query.Get("propagationPolicy"); p != "" {
		pp := meta.DeletionPropagation(p)
		opts.PropagationPolicy = &pp
	}
	if o := query.Get("orphanDependents"); o != "" {
		b := o == "true"
		opts.OrphanDependents = &b
	}
	opts.DryRun = append(opts.DryRun, query["dryRun"]...)
	if p := opts.PropagationPolicy; p != nil {
		switch *p {
		case "Orphan", "Background", "Foreground":
		default:
			return nil, apierrors.NewInvalid(apierrors.GroupKind{Group: "meta.k8s.io", Kind: "DeleteOptions"}, "",
				field.ErrorList{field.NotSupported(field.NewPath("propagationPolicy"), string(*p), []string{"Foreground", "Background", "Orphan"})})
		}
	}
	if g := opts.GracePeriodSeconds; g != nil && *g < 0 {
		*g = 0
	}
	return opts, nil
}

func (s *Server) handleDelete(q *request) {
	opts, err := s.deleteOptions(q.w, q.r)
	if err != nil {
		q.fail(err)
		return
	}
	out, immediate, err := s.delete(q, q.ri.Name, opts)
	if err != nil {
		q.fail(err)
		return
	}
	code := http.StatusOK
	if !immediate {
		code = http.StatusAccepted
	}
	s.writeObjects(q, code, out, nil, meta.ListMeta{})
}

// delete removes the named object, or marks it for deletion when finalizers (its own, or those the
// propagation policy adds) or a graceful pod termination must run first. immediate says which.
func (s *Server) delete(q *request, name string, opts *meta.DeleteOptions) (meta.Object, bool, error) {
	ctx := q.r.Context()
	k := q.kind
	key := q.key(name)
	dry := len(opts.DryRun) > 0
	cur, err := s.store.Get(ctx, key)
	if err != nil {
		return nil, false, storeError(k, name, err)
	}
	pre := &store.Preconditions{}
	if p := opts.Preconditions; p != nil {
		pre.UID, pre.ResourceVersion = p.UID, p.ResourceVersion
		if err := pre.Check(key, cur); err != nil {
			return nil, false, storeError(k, name, err)
		}
	}
	attrs := s.admissionAttrs(ctx, k, admission.Delete, nil, cur, "", dry)
	if err := s.cfg.Admission.Admit(ctx, attrs); err != nil {
		return nil, false, s.admissionError(k, name, err)
	}
	if err := s.cfg.Admission.Validate(ctx, attrs); err != nil {
		return nil, false, s.admissionError(k, name, err)
	}
	finalizers := wantFinalizers(cur, opts)
	grace := s.gracePeriod(cur, opts)
	cm := cur.GetObjectMeta()
	if len(finalizers) > 0 || grace > 0 || namespacePending(cur) {
		if dry {
			return cur, false, nil
		}
		out, err := s.store.GuaranteedUpdate(ctx, key, pre, func(cur meta.Object) (meta.Object, error) {
			obj := cur.DeepCopyObject()
			m := obj.GetObjectMeta()
			m.Finalizers = mergeFinalizers(m.Finalizers, finalizers)
			if m.DeletionTimestamp == nil {
				now := meta.NewTime(s.clock.Now().Add(time.Duration(grace) * time.Second))
				m.DeletionTimestamp = &now
				m.DeletionGracePeriodSeconds = &grace
				if tracksGeneration(k) {
					m.Generation++
				}
			} else if m.DeletionGracePeriodSeconds != nil && grace < *m.DeletionGracePeriodSeconds {
				// A shorter grace period shortens a deletion already under way.
				now := meta.NewTime(s.clock.Now().Add(time.Duration(grace) * time.Second))
				m.DeletionTimestamp = &now
				m.DeletionGracePeriodSeconds = &grace
			}
			markTerminating(obj)
			return obj, nil
		})
		if err != nil {
			return nil, false, storeError(k, name, err)
		}
		return out, false, nil
	}
	if dry {
		return cur, true, nil
	}
	uid := cm.UID
	if pre.UID == nil {
		pre.UID = &uid
	}
	out, err := s.store.Delete(ctx, key, pre)
	if err != nil {
		return nil, false, storeError(k, name, err)
	}
	audit.Stage(ctx, "Persisted", meta.NewMicroTime(s.clock.Now()))
	return out, true, nil
}

func (s *Server) handleDeleteCollection(q *request) {
	opts, err := s.deleteOptions(q.w, q.r)
	if err != nil {
		q.fail(err)
		return
	}
	filter, err := s.selectors(q)
	if err != nil {
		q.fail(err)
		return
	}
	res, err := s.store.List(q.r.Context(), store.Prefix(q.kind.KeyPrefix(), q.namespace), store.ListOptions{Filter: filter})
	if err != nil {
		q.fail(storeError(q.kind, "", err))
		return
	}
	var deleted []meta.Object
	for _, item := range res.Items {
		m := item.GetObjectMeta()
		sub := *q
		sub.namespace = m.Namespace
		if !q.kind.Namespaced {
			sub.namespace = ""
		}
		out, _, err := s.delete(&sub, m.Name, opts)
		if apierrors.IsNotFound(err) {
			continue // gone in the meantime
		}
		if err != nil {
			q.fail(err)
			return
		}
		deleted = append(deleted, out)
	}
	s.writeObjects(q, http.StatusOK, nil, deleted, meta.ListMeta{ResourceVersion: store.FormatRevision(res.Revision)})
}

// wantFinalizers are the finalizers a delete must add for its propagation policy: the garbage
// collector orphans or deletes the dependents first, then removes them.
func wantFinalizers(obj meta.Object, opts *meta.DeleteOptions) []string {
	m := obj.GetObjectMeta()
	var add []string
	policy := ""
	if opts.PropagationPolicy != nil {
		policy = string(*opts.PropagationPolicy)
	} else if opts.OrphanDependents != nil && *opts.OrphanDependents {
		policy = "Orphan"
	}
	switch policy {
	case "Orphan":
		add = append(add, meta.FinalizerOrphanDependents)
	case "Foreground":
		add = append(add, meta.FinalizerDeleteDependents)
	}
	return mergeFinalizers(m.Finalizers, add)
}

func mergeFinalizers(have, add []string) []string {
	out := append([]string(nil), have...)
	for _, f := range add {
		if !contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// gracePeriod is how long a deletion waits: only pods bound to a node and still running wait (for
// their kubelet to stop them), for the request's grace period, else the pod's, else 30 seconds.
// Zero means delete now.
func (s *Server) gracePeriod(obj meta.Object, opts *meta.DeleteOptions) int64 {
	pod, ok := obj.(*core.Pod)
	if !ok || pod.Spec.NodeName == "" || pod.Status.Phase == core.PodSucceeded || pod.Status.Phase == core.PodFailed {
		return 0
	}
	if opts.GracePeriodSeconds != nil {
		return *opts.GracePeriodSeconds
	}
	if g := pod.Spec.TerminationGracePeriodSeconds; g != nil {
		return *g
	}
	return 30
}

// namespacePending: a namespace with spec finalizers is not deleted until the namespace controller
// has emptied it and removed them.
func namespacePending(obj meta.Object) bool {
	ns, ok := obj.(*core.Namespace)
	return ok && len(ns.Spec.Finalizers) > 0
}

// markTerminating sets what a deletion in progress shows in status.
func markTerminating(obj meta.Object) {
	if ns, ok := obj.(*core.Namespace); ok {
		ns.Status.Phase = core.NamespaceTerminating
	}
}

// validationNameFunc checks names of kinds that bring no validation of their own.
var validationNameFunc = validation.NameIsDNSSubdomain
