package apiserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver/patch"
	"github.com/skiff-io/skiff/store"
)

// Patch media types.
const (
	jsonPatchType      = "application/json-patch+json"
	mergePatchType     = "application/merge-patch+json"
	strategicPatchType = "application/strategic-merge-patch+json"
	applyPatchType     = "application/apply-patch+yaml"
)

// applyPatch applies a patch body to the JSON of the current object.
func (s *Server) applyPatch(q *request, current, body []byte, k *api.Kind) ([]byte, error) {
	ct := q.r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, apierrors.NewUnsupportedMediaType(ct)
	}
	var out []byte
	switch mt {
	case jsonPatchType:
		out, err = patch.JSONPatch(current, body)
	case mergePatchType:
		out, err = patch.MergePatch(current, body)
	case strategicPatchType:
		// Every kind's Go type gives its merge keys, custom kinds included (their OpenAPI
		// advertises them, so kubectl apply sends strategic patches for them too).
		schema, serr := patch.SchemaFor(k.Type)
		if serr != nil {
			return nil, apierrors.NewInternalError(serr)
		}
		out, err = patch.StrategicMergePatch(current, body, schema)
	default:
		return nil, apierrors.NewUnsupportedMediaType(ct)
	}
	if err != nil {
		return nil, patchError(q, mt, err)
	}
	return out, nil
}

func (s *Server) handlePatch(q *request) {
	body, err := readBody(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	dry, err := dryRun(q.r)
	if err != nil {
		q.fail(err)
		return
	}
	ct := q.r.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == applyPatchType {
		s.handleApply(q, body, dry)
		return
	}
	out, _, err := s.update(q, func(cur meta.Object) (meta.Object, error) {
		current, err := json.Marshal(cur)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		patched, err := s.applyPatch(q, current, body, q.kind)
		if err != nil {
			return nil, err
		}
		obj, err := s.decodeJSONObject(q.w, q.r, q.kind, patched)
		if err != nil {
			return nil, err
		}
		if rv := obj.GetObjectMeta().ResourceVersion; rv != "" && rv != cur.GetObjectMeta().ResourceVersion {
			return nil, apierrors.NewConflict(q.gr(), q.ri.Name, errors.New("the object has been modified; please apply your changes to the latest version and try again"))
		}
		return obj, nil
	}, dry, false)
	if err != nil {
		q.fail(err)
		return
	}
	s.writeObjects(q, http.StatusOK, out, nil, meta.ListMeta{})
}

// handleApply serves server-side apply: the body is the caller's configuration, merged into the
// live object with field ownership per fieldManager; a missing object is created.
func (s *Server) handleApply(q *request, body []byte, dry bool) {
	manager := q.r.URL.Query().Get("fieldManager")
	if manager == "" {
		q.fail(apierrors.NewBadRequest("PATCH with application/apply-patch+yaml requires a fieldManager parameter"))
		return
	}
	force := q.r.URL.Query().Get("force") == "true"
	schema, err := patch.SchemaFor(q.kind.Type)
	if err != nil {
		q.fail(apierrors.NewInternalError(err))
		return
	}
	ctx := q.r.Context()
	if _, err := s.store.Get(ctx, q.key(q.ri.Name)); errors.Is(err, store.ErrNotFound) {
		created, err := patch.Apply(nil, body, schema, manager, force)
		if err != nil {
			q.fail(patchError(q, applyPatchType, err))
			return
		}
		obj, err := s.decodeJSONObject(q.w, q.r, q.kind, created)
		if err != nil {
			q.fail(err)
			return
		}
		if err := checkIdentity(q, obj); err != nil {
			q.fail(err)
			return
		}
		out, err := s.create(ctx, q.kind, obj, dry, "") // apply recorded its own managedFields
		if err != nil {
			q.fail(err)
			return
		}
		s.writeObjects(q, http.StatusCreated, out, nil, meta.ListMeta{})
		return
	}
	out, _, err := s.updateTracked(q, func(cur meta.Object) (meta.Object, error) {
		live, err := json.Marshal(cur)
		if err != nil {
			return nil, apierrors.NewInternalError(err)
		}
		merged, err := patch.Apply(live, body, schema, manager, force)
		if err != nil {
			return nil, patchError(q, applyPatchType, err)
		}
		return s.decodeJSONObject(q.w, q.r, q.kind, merged)
	}, dry, false, false)
	if err != nil {
		q.fail(err)
		return
	}
	s.writeObjects(q, http.StatusOK, out, nil, meta.ListMeta{})
}

// patchError turns a patch failure into a Status as kube-apiserver words it: apply conflicts are
// 409 with one cause per field, a JSON patch that does not apply is 422, a patch that would grow the
// object past the limit is 413, a malformed patch 400.
func patchError(q *request, patchType string, err error) error {
	var ce *patch.ConflictError
	switch {
	case errors.As(err, &ce):
		st := apierrors.NewConflict(q.gr(), q.ri.Name, err)
		st.Message = err.Error()
		for _, c := range ce.Conflicts {
			msg := fmt.Sprintf("conflict with %q", c.Manager)
			if c.Operation == patch.OperationUpdate {
				msg += " using " + c.APIVersion
			}
			st.Details.Causes = append(st.Details.Causes, meta.StatusCause{Type: meta.CauseTypeFieldManagerConflict, Message: msg, Field: c.Path})
		}
		return st
	case errors.Is(err, patch.ErrTooLarge):
		return apierrors.NewRequestEntityTooLarge(err.Error())
	case errors.Is(err, patch.ErrInvalidDocument):
		return apierrors.NewInternalError(err)
	case patchType == jsonPatchType && errors.Is(err, patch.ErrInvalidPatch):
		st := apierrors.NewBadRequest(err.Error())
		st.Code, st.Reason = http.StatusUnprocessableEntity, meta.StatusReasonInvalid
		return st
	}
	return apierrors.NewBadRequest(err.Error())
}
