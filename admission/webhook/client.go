package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"k8s.io/utils/clock"
)

// MaxResponseBytes bounds a webhook's answer. A patch may build an object of up to 3 MiB (the
// largest request body); base64 and the review around it fit well within this.
const MaxResponseBytes = 16 << 20

// maxClients bounds the cached HTTP clients, one per distinct caBundle; past it the cache starts
// over, so that configurations that churn through certificates do not pile up connections.
const maxClients = 64

// clients caches one HTTP client per caBundle, so that calls reuse TLS connections.
type clients struct {
	mu   sync.Mutex
	byCA map[[sha256.Size]byte]*http.Client
}

func (c *clients) get(caBundle []byte) (*http.Client, error) {
	key := sha256.Sum256(caBundle)
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.byCA[key]; ok {
		return cl, nil
	}
	var roots *x509.CertPool // nil: the system's roots
	if len(caBundle) > 0 {
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(caBundle) {
			return nil, errors.New("clientConfig.caBundle holds no PEM certificate")
		}
	}
	if len(c.byCA) >= maxClients {
		c.closeLocked()
	}
	if c.byCA == nil {
		c.byCA = make(map[[sha256.Size]byte]*http.Client)
	}
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	cl := &http.Client{Transport: &http.Transport{
		// The caBundle is the only trust: no proxy from the environment, no system roots when given.
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
		TLSHandshakeTimeout: 10 * time.Second,
		// Validating webhooks are called in parallel; keep enough idle connections per host that a
		// burst does not end in new handshakes.
		MaxIdleConnsPerHost: 32,
		IdleConnTimeout:     90 * time.Second,
	}}
	c.byCA[key] = cl
	return cl, nil
}

func (c *clients) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closeLocked()
}

func (c *clients) closeLocked() {
	for _, cl := range c.byCA {
		cl.CloseIdleConnections()
	}
	c.byCA = nil
}

// caller makes webhook calls; the mutating and validating plugins each have one.
type caller struct {
	clients *clients
	clock   clock.WithDelayedExecution
}

// timeoutError is why a call was cut short by the webhook's timeoutSeconds.
type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("context deadline exceeded (the webhook's timeoutSeconds is %d)", int(e.d/time.Second))
}

func (e *timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// review is one call's request, encoded objects included.
type review struct {
	attrs     *admission.Attributes
	object    json.RawMessage // the object, with apiVersion and kind
	oldObject json.RawMessage
	options   json.RawMessage
}

func newReview(a *admission.Attributes) (*review, error) {
	r := &review{attrs: a}
	var err error
	if r.object, err = encodeObject(a.Object, a); err != nil {
		return nil, fmt.Errorf("encoding the object: %w", err)
	}
	if r.oldObject, err = encodeObject(a.OldObject, a); err != nil {
		return nil, fmt.Errorf("encoding the old object: %w", err)
	}
	r.options = operationOptions(a)
	return r, nil
}

// encodeObject encodes an object for a review. Webhooks expect apiVersion and kind; objects decoded
// by the server may not carry them, so they are added from the request (without writing to the
// object, which validating webhooks share and the store may own).
func encodeObject(obj meta.Object, a *admission.Attributes) (json.RawMessage, error) {
	if isNil(obj) {
		return nil, nil
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	if tm := obj.GetTypeMeta(); tm.APIVersion != "" || tm.Kind != "" || len(b) < 2 || b[0] != '{' {
		return b, nil
	}
	head, err := json.Marshal(meta.TypeMeta{APIVersion: meta.JoinAPIVersion(a.Group, a.Version), Kind: a.Kind})
	if err != nil {
		return nil, err
	}
	// {"kind":..,"apiVersion":..} + the object's fields.
	out := make([]byte, 0, len(head)+len(b))
	out = append(out, head[:len(head)-1]...)
	if len(b) > 2 {
		out = append(out, ',')
	}
	return append(out, b[1:]...), nil
}

// operationOptions are the options Kubernetes sends with each operation; skiff's attributes carry
// only the dry-run flag of them.
func operationOptions(a *admission.Attributes) json.RawMessage {
	var kind string
	switch a.Operation {
	case admission.Create:
		kind = "CreateOptions"
	case admission.Update:
		kind = "UpdateOptions"
	case admission.Delete:
		kind = "DeleteOptions"
	default:
		return nil
	}
	opts := struct {
		meta.TypeMeta `json:",inline"`
		DryRun        []string `json:"dryRun,omitempty"`
	}{TypeMeta: meta.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: kind}}
	if a.DryRun {
		opts.DryRun = []string{"All"}
	}
	b, _ := json.Marshal(opts) // a fixed struct of strings: cannot fail
	return b
}

func (r *review) request(uid meta.UID) *AdmissionRequest {
	a := r.attrs
	dry := a.DryRun
	kind := GroupVersionKind{Group: a.Group, Version: a.Version, Kind: a.Kind}
	res := GroupVersionResource{Group: a.Group, Version: a.Version, Resource: a.Resource}
	return &AdmissionRequest{
		UID: uid, Kind: kind, Resource: res, SubResource: a.Subresource,
		RequestKind: &kind, RequestResource: &res, RequestSubResource: a.Subresource,
		Name: a.Name, Namespace: requestNamespace(a), Operation: a.Operation,
		UserInfo: userInfo(a.User), Object: r.object, OldObject: r.oldObject, DryRun: &dry, Options: r.options,
	}
}

func userInfo(u authn.User) UserInfo {
	return UserInfo{Username: u.Name, UID: u.UID, Groups: u.Groups, Extra: u.Extra}
}

// newUID returns a random (version 4) UUID.
func newUID() meta.UID {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return meta.UID(h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:])
}

// reviewVersion picks the AdmissionReview apiVersion to send: the first the webhook lists that
// skiff speaks.
func reviewVersion(versions []string) (string, bool) {
	for _, v := range versions {
		switch v {
		case "v1":
			return ReviewV1, true
		case "v1beta1":
			return ReviewV1beta1, true
		}
	}
	return "", false
}

// call sends one review to a webhook and checks the answer. Failures to get a valid answer are
// *CallErrors, which the failure policy decides on; the webhook's warnings and audit annotations
// are recorded whatever it answered.
func (c *caller) call(ctx context.Context, h *hook, r *review, mutating bool) (*AdmissionResponse, error) {
	if r.attrs.DryRun {
		if h.sideEffects == nil {
			return nil, callError(h.name, "Webhook SideEffects is nil")
		}
		if se := *h.sideEffects; se != admissionregistration.SideEffectClassNone && se != admissionregistration.SideEffectClassNoneOnDryRun {
			return nil, dryRunUnsupported(h.name)
		}
	}
	version, ok := reviewVersion(h.versions)
	if !ok {
		return nil, callError(h.name, "could not create admission objects: webhook does not accept known AdmissionReview versions (v1, v1beta1)")
	}
	cc := h.clientConfig
	if cc.URL == nil {
		if cc.Service != nil {
			return nil, callError(h.name, "could not get REST client: %w", ErrServiceReference)
		}
		return nil, callError(h.name, "could not get REST client: clientConfig has no url")
	}
	u, err := url.Parse(*cc.URL)
	if err != nil {
		return nil, callError(h.name, "could not get REST client: %w", err)
	}
	client, err := c.clients.get(cc.CABundle)
	if err != nil {
		return nil, callError(h.name, "could not get REST client: %w", err)
	}

	uid := newUID()
	body, err := json.Marshal(&AdmissionReview{
		TypeMeta: meta.TypeMeta{APIVersion: version, Kind: ReviewKind},
		Request:  r.request(uid),
	})
	if err != nil {
		return nil, callError(h.name, "could not create admission objects: %w", err)
	}

	// The webhook's own timeout runs on the injected clock; the caller's deadline, if sooner, is
	// passed on too, rounded up to a second as Kubernetes does, in ?timeout=.
	callCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := c.clock.AfterFunc(h.timeout, func() { cancel(&timeoutError{h.timeout}) })
	defer timer.Stop()
	timeout := h.timeout
	if deadline, ok := ctx.Deadline(); ok {
		if left := time.Until(deadline); left < timeout {
			timeout = left
		}
	}
	if timeout > 0 {
		if t := timeout.Truncate(time.Second); t != timeout {
			timeout = t + time.Second
		}
		q := u.Query()
		q.Set("timeout", timeout.String())
		u.RawQuery = q.Encode()
	}

	req, err := http.NewRequestWithContext(callCtx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, callError(h.name, "could not get REST client: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, c.transportError(callCtx, h, req, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return nil, c.transportError(callCtx, h, req, err)
	}
	if len(data) > MaxResponseBytes {
		return nil, callError(h.name, "failed to call webhook: the response is larger than %d bytes", MaxResponseBytes)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, callError(h.name, "failed to call webhook: the server responded with the status code %d (%s) and body %q",
			resp.StatusCode, http.StatusText(resp.StatusCode), excerpt(data))
	}
	var out AdmissionReview
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, callError(h.name, "received invalid webhook response: %v", err)
	}
	res, err := verifyResponse(uid, version, mutating, &out)
	if err != nil {
		return nil, callError(h.name, "received invalid webhook response: %w", err)
	}
	for k, v := range res.AuditAnnotations {
		audit.Annotate(ctx, h.name+"/"+k, v)
	}
	return res, nil
}

// transportError says why a request got no answer: the webhook's own timeout, the caller giving up,
// or the network.
func (c *caller) transportError(callCtx context.Context, h *hook, req *http.Request, err error) error {
	var te *timeoutError
	if cause := context.Cause(callCtx); errors.As(cause, &te) {
		// Worded as the *url.Error the HTTP client gives for its own deadlines ("Post", not "POST").
		op := req.Method[:1] + strings.ToLower(req.Method[1:])
		return callError(h.name, "failed to call webhook: %s %q: %w", op, req.URL.String(), te)
	}
	return callError(h.name, "failed to call webhook: %w", err)
}

// verifyResponse checks an answer as Kubernetes' VerifyAdmissionResponse does: v1 answers must be
// v1 AdmissionReviews carrying the request's uid, and carry a patch with its patchType (mutating
// webhooks) or no patch at all (validating ones). v1beta1 answers were never checked so closely.
func verifyResponse(uid meta.UID, version string, mutating bool, r *AdmissionReview) (*AdmissionResponse, error) {
	res := r.Response
	if res == nil {
		return nil, errors.New("webhook response was absent")
	}
	if version == ReviewV1beta1 {
		out := *res
		out.PatchType = nil
		if !mutating {
			out.Patch = nil
		} else if len(out.Patch) > 0 {
			pt := PatchTypeJSONPatch
			out.PatchType = &pt
		}
		return &out, nil
	}
	if res.UID != uid {
		return nil, fmt.Errorf("expected response.uid=%q, got %q", uid, res.UID)
	}
	if r.APIVersion != ReviewV1 || r.Kind != ReviewKind {
		group, v := meta.SplitAPIVersion(r.APIVersion)
		return nil, fmt.Errorf("expected webhook response of %s, Kind=%s, got %s/%s, Kind=%s", ReviewV1, ReviewKind, group, v, r.Kind)
	}
	if mutating {
		if len(res.Patch) > 0 && res.PatchType == nil {
			return nil, errors.New("webhook returned response.patch but not response.patchType")
		}
		if len(res.Patch) == 0 && res.PatchType != nil {
			return nil, errors.New("webhook returned response.patchType but not response.patch")
		}
		if res.PatchType != nil && *res.PatchType == "" {
			return nil, fmt.Errorf("webhook returned invalid response.patchType of %q", "")
		}
	} else {
		if len(res.Patch) > 0 {
			return nil, errors.New("validating webhook may not return response.patch")
		}
		if res.PatchType != nil {
			return nil, errors.New("validating webhook may not return response.patchType")
		}
	}
	return res, nil
}

// excerpt shortens a body for an error message.
func excerpt(b []byte) string {
	const max = 256
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
