package apiserver

import (
	"bytes"
	"context"
	"crypto/rand"
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

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/fields"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/warning"
)

// Filter wraps a handler with one concern of the request path.
type Filter func(http.Handler) http.Handler

// Chain applies filters so that the first is the outermost: Chain(h, a, b) runs a, then b, then h.
func Chain(h http.Handler, filters ...Filter) http.Handler {
	for i := len(filters) - 1; i >= 0; i-- {
		h = filters[i](h)
	}
	return h
}

// WithPanicRecovery turns a panic in a handler into a 500 Status and a log line, so that one bad
// request never takes the server down. http.ErrAbortHandler passes through, as net/http expects.
func WithPanicRecovery(log logr.Logger) Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.Error(fmt.Errorf("%v", p), "panic serving request", "method", r.Method, "path", r.URL.Path)
					writeStatusRaw(w, apierrors.NewInternalError(fmt.Errorf("the server panicked: %v", p)))
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// WithRequestInfo attaches the RequestInfo to the request's context.
func WithRequestInfo() Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(contextWithRequestInfo(r.Context(), NewRequestInfo(r))))
		})
	}
}

// authMethodKey and authnTimeKey carry how and when the request was authenticated, and
// receivedKey when it arrived, for audit.
type (
	authMethodKey struct{}
	authnTimeKey  struct{}
	receivedKey   struct{}
)

// WithRequestReceivedTimestamp notes when the request arrived, before any other filter spends
// time on it, so that the audit record's requestReceivedTimestamp precedes every stage.
func WithRequestReceivedTimestamp(clk clock.PassiveClock) Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), receivedKey{}, meta.NewMicroTime(clk.Now()))))
		})
	}
}

// WithAuthentication authenticates the request and attaches the user. A request no authenticator
// accepts gets 401; the Authorization header is removed so that nothing downstream sees the
// credential.
func WithAuthentication(a authn.Authenticator, clk clock.PassiveClock, log logr.Logger) Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, ok, err := a.AuthenticateRequest(r)
			if err != nil || !ok {
				if err != nil {
					log.V(2).Info("authentication failed", "path", r.URL.Path, "err", err.Error())
				}
				writeStatusRaw(w, apierrors.NewUnauthorized(""))
				return
			}
			r.Header.Del("Authorization")
			ctx := authn.WithUser(r.Context(), resp.User)
			ctx = context.WithValue(ctx, authMethodKey{}, resp.Method)
			// The audit event does not exist yet (it is the next filter): keep the time for it.
			ctx = context.WithValue(ctx, authnTimeKey{}, meta.NewMicroTime(clk.Now()))
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// WithAudit gives the request an audit Event at the level policy sets for it, fills it as the
// request goes (stage timestamps, annotations with the authentication method, the authorization
// decision and reason, the admission plugins that ran or rejected), captures the request and
// response bodies at the Request and RequestResponse levels, and hands it to sink when the response
// is complete. A request at level None is not recorded.
func WithAudit(sink audit.Sink, policy *audit.Policy, clk clock.PassiveClock) Filter {
	if policy == nil {
		policy = audit.DefaultPolicy()
	}
	return func(next http.Handler) http.Handler {
		if sink == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			u, _ := authn.UserFrom(ctx)
			ri, _ := RequestInfoFrom(ctx)
			user := audit.UserInfo{Username: u.Name, UID: u.UID, Groups: u.Groups, Extra: u.Extra}
			level := policy.LevelFor(audit.Request{User: user, Verb: ri.Verb, ResourceRequest: ri.IsResourceRequest, APIGroup: ri.APIGroup,
				Resource: ri.Resource, Subresource: ri.Subresource, Namespace: ri.Namespace, Name: ri.Name, Path: r.URL.Path})
			if level == audit.LevelNone {
				next.ServeHTTP(w, r)
				return
			}
			ev := &audit.Event{
				TypeMeta:                 meta.TypeMeta{APIVersion: "audit.k8s.io/v1", Kind: "Event"},
				Level:                    level,
				AuditID:                  newAuditID(),
				Stage:                    "ResponseComplete",
				RequestURI:               r.URL.RequestURI(),
				Verb:                     ri.Verb,
				User:                     user,
				UserAgent:                r.UserAgent(),
				RequestReceivedTimestamp: meta.NewMicroTime(clk.Now()),
			}
			if at, ok := ctx.Value(receivedKey{}).(meta.MicroTime); ok {
				ev.RequestReceivedTimestamp = at
			}
			if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
				ev.SourceIPs = []string{host}
			}
			if ri.IsResourceRequest {
				ev.ObjectRef = &audit.ObjectReference{Resource: ri.Resource, Namespace: ri.Namespace, Name: ri.Name,
					APIGroup: ri.APIGroup, APIVersion: ri.APIVersion, Subresource: ri.Subresource}
			}
			ctx = audit.WithEvent(ctx, ev)
			if m, ok := ctx.Value(authMethodKey{}).(string); ok {
				audit.Annotate(ctx, "authentication.skiff.io/method", m)
			}
			if at, ok := ctx.Value(authnTimeKey{}).(meta.MicroTime); ok {
				audit.Stage(ctx, "Authenticated", at)
			}
			if level == audit.LevelRequest || level == audit.LevelRequestResponse {
				if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
					body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBodyBytes+1))
					r.Body.Close()
					if err == nil {
						if json.Valid(body) {
							ev.RequestObject = body
						}
						r.Body = io.NopCloser(bytes.NewReader(body))
					}
				}
			}
			w.Header().Set("Audit-Id", ev.AuditID)
			rec := &statusRecorder{ResponseWriter: w}
			if level == audit.LevelRequestResponse && !ri.IsLongRunning() {
				rec.capture = &bytes.Buffer{}
			}
			next.ServeHTTP(rec, r.WithContext(ctx))
			ev.Lock()
			ev.ResponseStatus = &meta.Status{Code: int32(rec.code())}
			if rec.capture != nil && json.Valid(rec.capture.Bytes()) {
				ev.ResponseObject = rec.capture.Bytes()
			}
			ev.StageTimestamp = meta.NewMicroTime(clk.Now())
			ev.Unlock()
			sink.Record(ctx, ev)
		})
	}
}

// WithImpersonation serves kubectl's --as, --as-group and --as-uid: the Impersonate-User,
// Impersonate-Group, Impersonate-Uid and Impersonate-Extra-* headers replace the request's user,
// if the real user may "impersonate" each of them (users, groups, uids, userextras/<key> in the
// core and authentication.k8s.io groups, as Kubernetes checks them).
func WithImpersonation(a authz.Authorizer) Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			userName := r.Header.Get("Impersonate-User")
			groups := r.Header.Values("Impersonate-Group")
			uid := r.Header.Get("Impersonate-Uid")
			extra := map[string][]string{}
			for h, v := range r.Header {
				if k, ok := strings.CutPrefix(h, "Impersonate-Extra-"); ok {
					key, err := url.PathUnescape(strings.ToLower(k))
					if err != nil {
						writeStatusRaw(w, apierrors.NewBadRequest("malformed Impersonate-Extra header: "+h))
						return
					}
					extra[key] = v
				}
			}
			if userName == "" {
				if len(groups) > 0 || uid != "" || len(extra) > 0 {
					writeStatusRaw(w, apierrors.NewBadRequest("requested impersonation of groups, a uid or extras without impersonating a user"))
					return
				}
				next.ServeHTTP(w, r)
				return
			}
			ctx := r.Context()
			real, _ := authn.UserFrom(ctx)
			check := func(group, resource, sub, name string) bool {
				d, _, _ := a.Authorize(ctx, authz.Attributes{User: real, Verb: "impersonate", ResourceRequest: true,
					APIGroup: group, Resource: resource, Subresource: sub, Name: name})
				if d == authz.Allow {
					return true
				}
				gr := apierrors.GroupResource{Group: group, Resource: resource}
				writeStatusRaw(w, apierrors.NewForbidden(gr, name, fmt.Errorf("User %q cannot impersonate resource %q in API group %q at the cluster scope", real.Name, resource, group)))
				return false
			}
			target := authn.User{Name: userName, UID: uid, Groups: groups}
			if sa, ok := strings.CutPrefix(userName, "system:serviceaccount:"); ok {
				ns, name, _ := strings.Cut(sa, ":")
				if !check("", "serviceaccounts", "", name) {
					return
				}
				if len(groups) == 0 {
					target.Groups = []string{"system:serviceaccounts", "system:serviceaccounts:" + ns}
				}
			} else if !check("", "users", "", userName) {
				return
			}
			for _, g := range groups {
				if !check("", "groups", "", g) {
					return
				}
			}
			if uid != "" && !check("authentication.k8s.io", "uids", "", uid) {
				return
			}
			for k, vals := range extra {
				for _, v := range vals {
					if !check("authentication.k8s.io", "userextras", k, v) {
						return
					}
				}
			}
			if len(extra) > 0 {
				target.Extra = extra
			}
			// Everyone authenticated keeps the group that says so, as Kubernetes adds it.
			if userName != authn.Anonymous && !contains(target.Groups, authn.AllAuthenticated) {
				target.Groups = append(target.Groups, authn.AllAuthenticated)
			}
			for h := range r.Header {
				if strings.HasPrefix(h, "Impersonate-") {
					r.Header.Del(h)
				}
			}
			if ev := audit.EventFrom(ctx); ev != nil {
				ev.Lock()
				ev.ImpersonatedUser = &audit.UserInfo{Username: target.Name, UID: target.UID, Groups: target.Groups, Extra: target.Extra}
				ev.Unlock()
			}
			next.ServeHTTP(w, r.WithContext(authn.WithUser(ctx, target)))
		})
	}
}

func newAuditID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// WithAuthorization asks the authorizer about the request; anything but Allow is 403 with a message
// that names the user, verb and resource as kube-apiserver's does.
func WithAuthorization(a authz.Authorizer, clk clock.PassiveClock) Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			ri, _ := RequestInfoFrom(ctx)
			u, _ := authn.UserFrom(ctx)
			attrs := authz.Attributes{User: u, Verb: ri.Verb, ResourceRequest: ri.IsResourceRequest, APIGroup: ri.APIGroup,
				APIVersion: ri.APIVersion, Resource: ri.Resource, Subresource: ri.Subresource, Namespace: ri.Namespace, Name: ri.Name, Path: r.URL.Path,
				FieldSelector: fieldSelectorFor(ri, r)}
			d, reason, err := a.Authorize(ctx, attrs)
			decision := "forbid"
			if d == authz.Allow {
				decision = "allow"
			}
			audit.Annotate(ctx, "authorization.k8s.io/decision", decision)
			if reason != "" {
				audit.Annotate(ctx, "authorization.k8s.io/reason", reason)
			}
			if d == authz.Allow {
				audit.Stage(ctx, "Authorized", meta.NewMicroTime(clk.Now()))
				next.ServeHTTP(w, r)
				return
			}
			msg := forbiddenMessage(attrs)
			if reason != "" {
				msg += ": " + reason
			} else if err != nil {
				msg += ": " + err.Error()
			}
			gr := apierrors.GroupResource{Group: ri.APIGroup, Resource: ri.Resource}
			if ri.Subresource != "" {
				gr.Resource += "/" + ri.Subresource
			}
			if !ri.IsResourceRequest {
				st := apierrors.NewForbidden(apierrors.GroupResource{}, "", errors.New(msg))
				st.Message = "forbidden: " + msg
				writeStatusRaw(w, st)
				return
			}
			writeStatusRaw(w, apierrors.NewForbidden(gr, ri.Name, errors.New(msg)))
		})
	}
}

func forbiddenMessage(a authz.Attributes) string {
	user := fmt.Sprintf("User %q", a.User.Name)
	if !a.ResourceRequest {
		return fmt.Sprintf("%s cannot %s path %q", user, a.Verb, a.Path)
	}
	res := a.Resource
	if a.Subresource != "" {
		res += "/" + a.Subresource
	}
	msg := fmt.Sprintf("%s cannot %s resource %q in API group %q", user, a.Verb, res, a.APIGroup)
	if a.Namespace != "" {
		msg += fmt.Sprintf(" in the namespace %q", a.Namespace)
	} else {
		msg += " at the cluster scope"
	}
	return msg
}

// WithMaxInFlight bounds concurrent requests, mutating and read-only separately; long-running ones
// (watches) are exempt. Past a bound the answer is 429 with Retry-After: 1, as kube-apiserver's.
func WithMaxInFlight(readOnly, mutating int, m *metrics) Filter {
	ro := make(chan struct{}, max(readOnly, 1))
	mu := make(chan struct{}, max(mutating, 1))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ri, _ := RequestInfoFrom(r.Context())
			if ri.IsLongRunning() {
				next.ServeHTTP(w, r)
				return
			}
			sem, kind := ro, "readOnly"
			if ri.IsMutating() {
				sem, kind = mu, "mutating"
			}
			select {
			case sem <- struct{}{}:
			default:
				writeStatusRaw(w, apierrors.NewTooManyRequests("", 1))
				return
			}
			if m != nil {
				m.inflight.WithLabelValues(kind).Inc()
				defer m.inflight.WithLabelValues(kind).Dec()
			}
			defer func() { <-sem }()
			next.ServeHTTP(w, r)
		})
	}
}

// WithWarnings gives each request a warning.Recorder that sends what plugins, webhooks and the
// decoder warn about as Warning headers. It goes innermost, so that it writes into the header of
// the writer the handler answers through.
func WithWarnings() Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(warning.WithRecorder(r.Context(), warning.NewHeaderRecorder(w.Header()))))
		})
	}
}

// WithTimeout ends requests that take longer than d (or the request's own ?timeout=, if shorter)
// with 504; long-running requests are exempt.
func WithTimeout(d time.Duration) Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ri, _ := RequestInfoFrom(r.Context())
			if ri.IsLongRunning() {
				next.ServeHTTP(w, r)
				return
			}
			timeout := d
			if t := r.URL.Query().Get("timeout"); t != "" {
				if td, err := time.ParseDuration(t); err == nil && td > 0 && td < timeout {
					timeout = td
				}
			}
			ctx, cancel := context.WithTimeout(r.Context(), timeout)
			defer cancel()
			tw := &timeoutWriter{header: make(http.Header)}
			done := make(chan struct{})
			panicked := make(chan any, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						panicked <- p
					}
					close(done)
				}()
				next.ServeHTTP(tw, r.WithContext(ctx))
			}()
			select {
			case <-done:
				select {
				case p := <-panicked:
					panic(p)
				default:
				}
				tw.flushTo(w)
			case <-ctx.Done():
				tw.mu.Lock()
				tw.timedOut = true
				tw.mu.Unlock()
				writeStatusRaw(w, apierrors.NewTimeout(fmt.Sprintf("request did not complete within requested timeout - %v", ctx.Err())))
			}
		})
	}
}

// timeoutWriter buffers a response so that a request that times out can still be answered with a
// clean 504.
type timeoutWriter struct {
	mu       sync.Mutex
	header   http.Header
	buf      bytes.Buffer
	status   int
	timedOut bool
}

func (t *timeoutWriter) Header() http.Header { return t.header }

func (t *timeoutWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timedOut {
		return 0, http.ErrHandlerTimeout
	}
	if t.status == 0 {
		t.status = http.StatusOK
	}
	return t.buf.Write(p)
}

func (t *timeoutWriter) WriteHeader(code int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.status == 0 {
		t.status = code
	}
}

func (t *timeoutWriter) flushTo(w http.ResponseWriter) {
	t.mu.Lock()
	defer t.mu.Unlock()
	dst := w.Header()
	for k, v := range t.header {
		dst[k] = v
	}
	if t.status == 0 {
		t.status = http.StatusOK
	}
	w.WriteHeader(t.status)
	w.Write(t.buf.Bytes())
}

// statusRecorder remembers the status code written, for audit and metrics, and passes Flush on so
// that watches stream.
type statusRecorder struct {
	http.ResponseWriter
	status int
	// capture, when set, keeps a copy of the body (for RequestResponse audit records).
	capture *bytes.Buffer
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	if s.capture != nil && s.capture.Len() < MaxRequestBodyBytes {
		s.capture.Write(p)
	}
	return s.ResponseWriter.Write(p)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (s *statusRecorder) code() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// fieldSelectorFor parses the field selector of a collection read for the authorizers; other
// verbs carry none (a selector on an update means nothing), and one that does not parse is left
// out, so that the request is judged as the broadest one and the handler reports the selector.
func fieldSelectorFor(ri *RequestInfo, r *http.Request) fields.Selector {
	switch ri.Verb {
	case "list", "watch", "deletecollection":
	default:
		return nil
	}
	raw := r.URL.Query().Get("fieldSelector")
	if raw == "" {
		return nil
	}
	sel, err := fields.ParseSelector(raw)
	if err != nil {
		return nil
	}
	return sel
}
