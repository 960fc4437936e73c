package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/webhook"
	"github.com/skiff-io/skiff/api/meta"
)

// FuzzAdmissionResponse sends whatever a webhook might answer through both plugins, over real
// TLS. "$UID" in an answer becomes the request's uid, so that the fuzzer gets past the uid check to
// the patches and statuses behind it. Whatever the answer, the plugins must not panic, and every
// rejection must be one the API server can send: an *Error with an HTTP error code and a message.
// A failure to call must never get past failurePolicy Ignore, and the object must stay the one the
// server passed in.
func FuzzAdmissionResponse(f *testing.F) {
	head := `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":`
	for _, seed := range []string{
		head + `{"uid":"$UID","allowed":true}}`,
		head + `{"uid":"$UID","allowed":false,"status":{"code":422,"reason":"Invalid","message":"no"}}}`,
		head + `{"uid":"$UID","allowed":false,"status":{"code":99999}}}`,
		head + `{"uid":"$UID","allowed":false,"status":{"code":-1,"message":""}}}`,
		head + `{"uid":"$UID","allowed":true,"patchType":"JSONPatch","patch":"` + b64(`[{"op":"add","path":"/metadata/labels/x","value":"y"}]`) + `"}}`,
		head + `{"uid":"$UID","allowed":true,"patchType":"JSONPatch","patch":"` + b64(`[{"op":"replace","path":"","value":{"apiVersion":"v1","kind":"Pod"}}]`) + `"}}`,
		head + `{"uid":"$UID","allowed":true,"patchType":"JSONPatch","patch":"` + b64(`[{"op":"replace","path":"","value":7}]`) + `"}}`,
		head + `{"uid":"$UID","allowed":true,"patchType":"JSONPatch","patch":"` + b64(`[{"op":"copy","from":"/spec","path":"/status/x"},{"op":"move","from":"/metadata","path":"/m"}]`) + `"}}`,
		head + `{"uid":"$UID","allowed":true,"patchType":"JSONPatch","patch":"` + b64(`[{"op":"test","path":"/kind","value":"Pod"}]`) + `"}}`,
		head + `{"uid":"$UID","allowed":true,"patchType":"","patch":"W10="}}`,
		head + `{"uid":"$UID","allowed":true,"warnings":["\xff"],"auditAnnotations":{"":""}}}`,
		head + `null}`,
		`{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"allowed":true,"patch":"W10="}}`,
		`null`, `[]`, `"x"`, ``, `{`, "\x00",
	} {
		f.Add([]byte(seed))
	}
	var body atomic.Pointer[[]byte]
	empty := []byte{}
	body.Store(&empty)
	srv := newRawServer(f, func(w http.ResponseWriter, r *http.Request) {
		var review webhook.AdmissionReview
		_ = json.NewDecoder(r.Body).Decode(&review)
		var uid []byte
		if review.Request != nil {
			uid = []byte(review.Request.UID)
		}
		_, _ = w.Write(bytes.ReplaceAll(*body.Load(), []byte("$UID"), uid))
	})
	e := newEnv(f)
	e.mutating("m", mutatingHook("m.example.com", srv, ignore))
	e.validating("v", validatingHook("v.example.com", srv, fail))
	mutating := webhook.NewMutating(e.src, webhook.Deps{Registry: e.reg})
	validating := webhook.NewValidating(e.src, webhook.Deps{})
	f.Cleanup(mutating.CloseIdleConnections)
	f.Cleanup(validating.CloseIdleConnections)

	f.Fuzz(func(t *testing.T, data []byte) {
		body.Store(&data)
		obj := pod("default", "web", map[string]string{"app": "web"})
		a := podAttrs(admission.Create, obj, nil)
		err := mutating.Admit(context.Background(), a)
		checkRejection(t, err)
		var ce *webhook.CallError
		if errors.As(err, &ce) {
			t.Errorf("a failure to call got past failurePolicy Ignore: %v", err)
		}
		if a.Object != meta.Object(obj) {
			t.Errorf("the attributes' object was replaced")
		}
		if _, err := json.Marshal(obj); err != nil {
			t.Errorf("the patched object does not encode: %v", err)
		}

		err = validating.Validate(context.Background(), podAttrs(admission.Create, pod("default", "web", nil), nil))
		checkRejection(t, err)
		if err != nil && !errors.Is(err, webhook.ErrDenied) && !errors.As(err, &ce) {
			t.Errorf("a validating webhook's answer can only deny or fail the call, got %v", err)
		}
	})
}

func checkRejection(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var we *webhook.Error
	if !errors.As(err, &we) {
		t.Fatalf("rejection %v is a %T, not a *webhook.Error", err, err)
	}
	if st := we.Status; st == nil || st.Code < 400 || st.Code > 599 || st.Message == "" || st.Status != meta.StatusFailure {
		t.Errorf("rejection status %+v cannot be sent as an HTTP error", st)
	}
}
