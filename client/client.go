package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

// Client is a connection to one API server. It is safe for concurrent use; make one per server and
// share it, since it holds the rate limiter and the connection pool.
type Client struct {
	base       *url.URL
	hc         *http.Client
	limiter    *rate.Limiter
	reg        *api.Registry
	timeout    time.Duration
	maxRetries int
	clock      clock.WithTicker
}

// New returns a client for cfg, after checking it: the TLS files must be readable and the host a
// URL.
func New(cfg Config) (*Client, error) {
	if cfg.Host == "" {
		return nil, fmt.Errorf("%w: no host", ErrConfig)
	}
	host := cfg.Host
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	base, err := url.Parse(host)
	if err != nil || base.Host == "" || (base.Scheme != "https" && base.Scheme != "http") {
		return nil, fmt.Errorf("%w: host %q is not an http(s) URL", ErrConfig, cfg.Host)
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	c := &Client{base: base, reg: cfg.Registry, timeout: cfg.Timeout, maxRetries: cfg.MaxRetries, clock: cfg.Clock}
	if c.reg == nil {
		c.reg = api.Builtin()
	}
	if c.clock == nil {
		c.clock = clock.RealClock{}
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = 10
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if cfg.QPS >= 0 {
		qps, burst := cfg.QPS, cfg.Burst
		if qps == 0 {
			qps = 5
		}
		if burst <= 0 {
			burst = 10
		}
		c.limiter = rate.NewLimiter(rate.Limit(qps), burst)
	}
	next := cfg.Transport
	if next == nil {
		tc, err := cfg.TLS.tlsConfig()
		if err != nil {
			return nil, err
		}
		next = &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:     tc,
			TLSHandshakeTimeout: 10 * time.Second,
			ForceAttemptHTTP2:   true,
			MaxIdleConnsPerHost: 25,
			IdleConnTimeout:     90 * time.Second,
		}
	}
	at := &authTransport{next: next, user: cfg.Username, pw: cfg.Password, imp: cfg.Impersonate, userAgent: cfg.UserAgent}
	if at.userAgent == "" {
		at.userAgent = "skiff-client"
	}
	switch {
	case cfg.BearerTokenSource != nil:
		at.token = cfg.BearerTokenSource
	case cfg.BearerTokenFile != "":
		tf := &tokenFile{path: cfg.BearerTokenFile, clock: c.clock}
		if _, err := tf.get(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		at.token = tf.get
	case cfg.BearerToken != "":
		tok := cfg.BearerToken
		at.token = func() (string, error) { return tok, nil }
	}
	c.hc = &http.Client{Transport: at}
	return c, nil
}

// Registry returns the kinds the client knows.
func (c *Client) Registry() *api.Registry { return c.reg }

// Host returns the server's base URL.
func (c *Client) Host() string { return c.base.String() }

// Request is one raw call: for paths no typed client covers (discovery, /version, /healthz).
type Request struct {
	// Method is GET when empty.
	Method string
	// Path is the URL path below the host, "/api/v1/namespaces/default/pods".
	Path  string
	Query url.Values
	Body  []byte
	// ContentType of Body; application/json when empty.
	ContentType string
	// Accept is application/json when empty.
	Accept string
}

// Do performs a request and returns the body of a 2xx response. Any other answer is an error, a
// *meta.Status when the server said why.
func (c *Client) Do(ctx context.Context, r Request) ([]byte, error) {
	resp, cancel, err := c.send(ctx, r, false)
	if err != nil {
		return nil, err
	}
	defer cancel()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the response: %w", r.method(), r.Path, err)
	}
	return b, nil
}

func (r *Request) method() string {
	if r.Method == "" {
		return http.MethodGet
	}
	return r.Method
}

// call performs a request and decodes a 2xx response's JSON body into out, unless out is nil.
func (c *Client) call(ctx context.Context, r Request, out any) error {
	b, err := c.Do(ctx, r)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decoding the response: %w", r.method(), r.Path, err)
	}
	return nil
}

// send performs a request with rate limiting and retries, and returns a 2xx response whose body the
// caller must close, and then call cancel. stream requests (watches) have no timeout.
func (c *Client) send(ctx context.Context, r Request, stream bool) (*http.Response, context.CancelFunc, error) {
	u := *c.base
	u.Path = c.base.Path + r.Path
	if len(r.Query) > 0 {
		u.RawQuery = r.Query.Encode()
	}
	method := r.method()
	cancel := context.CancelFunc(func() {})
	if c.timeout > 0 && !stream {
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	for attempt := 0; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				cancel()
				return nil, nil, fmt.Errorf("%s %s: waiting for the client's rate limiter: %w", method, r.Path, err)
			}
		}
		var body io.Reader
		if r.Body != nil {
			body = bytes.NewReader(r.Body)
		}
		req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
		if err != nil {
			cancel()
			return nil, nil, fmt.Errorf("%s %s: %w", method, r.Path, err)
		}
		accept := r.Accept
		if accept == "" {
			accept = "application/json"
		}
		req.Header.Set("Accept", accept)
		if r.Body != nil {
			ct := r.ContentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			cancel()
			return nil, nil, fmt.Errorf("%s %s: %w", method, u.Redacted(), err)
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return resp, cancel, nil
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		st := statusFrom(resp.StatusCode, b)
		wait, retry := retryAfter(resp)
		if !retry || attempt >= c.maxRetries {
			cancel()
			return nil, nil, st
		}
		select {
		case <-c.clock.After(wait):
		case <-ctx.Done():
			cancel()
			return nil, nil, fmt.Errorf("%s %s: waiting to retry: %w (last answer: %w)", method, r.Path, ctx.Err(), st)
		}
	}
}

// retryAfter says whether an answer asks to be retried, and after how long: 429 always (after one
// second when it does not say), 5xx only with a Retry-After header, as client-go decides.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	h := resp.Header.Get("Retry-After")
	secs, err := strconv.Atoi(strings.TrimSpace(h))
	has := h != "" && err == nil && secs >= 0
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
	case resp.StatusCode >= 500 && has:
	default:
		return 0, false
	}
	if !has || secs == 0 {
		secs = 1
	}
	return time.Duration(secs) * time.Second, true
}

// statusFrom turns an error answer into a *meta.Status: the server's own when it sent one, else one
// made from the code, with the reason Kubernetes gives that code.
func statusFrom(code int, body []byte) *meta.Status {
	var st meta.Status
	if json.Unmarshal(body, &st) == nil && st.Kind == "Status" && st.Status == meta.StatusFailure {
		if st.Code == 0 {
			st.Code = int32(code)
		}
		return &st
	}
	reason, msg := reasonForCode(code)
	if text := strings.TrimSpace(string(body)); text != "" && len(text) < 1024 && !strings.HasPrefix(text, "<") {
		msg += " (" + text + ")"
	}
	out := meta.NewStatus(int32(code), reason, msg)
	return out
}

func reasonForCode(code int) (meta.StatusReason, string) {
	switch code {
	case http.StatusBadRequest:
		return meta.StatusReasonBadRequest, "the server rejected our request for an unknown reason"
	case http.StatusUnauthorized:
		return meta.StatusReasonUnauthorized, "the server has asked for the client to provide credentials"
	case http.StatusForbidden:
		return meta.StatusReasonForbidden, "the server does not allow access to the requested resource"
	case http.StatusNotFound:
		return meta.StatusReasonNotFound, "the server could not find the requested resource"
	case http.StatusMethodNotAllowed:
		return meta.StatusReasonMethodNotAllowed, "the server does not allow this method on the requested resource"
	case http.StatusNotAcceptable:
		return meta.StatusReasonNotAcceptable, "the server was unable to respond with a content type that the client supports"
	case http.StatusConflict:
		return meta.StatusReasonConflict, "the server reported a conflict"
	case http.StatusGone:
		return meta.StatusReasonGone, "the server reports the requested resource is gone"
	case http.StatusRequestEntityTooLarge:
		return meta.StatusReasonRequestEntityTooLarge, "the server has rejected the request because it is too large"
	case http.StatusUnsupportedMediaType:
		return meta.StatusReasonUnsupportedMediaType, "the server has rejected the content type of the request"
	case http.StatusUnprocessableEntity:
		return meta.StatusReasonInvalid, "the server rejected our request due to an error in our request"
	case http.StatusTooManyRequests:
		return meta.StatusReasonTooManyRequests, "the server has received too many requests and has asked us to try again later"
	case http.StatusServiceUnavailable:
		return meta.StatusReasonServiceUnavailable, "the server is currently unable to handle the request"
	case http.StatusGatewayTimeout:
		return meta.StatusReasonTimeout, "the server was unable to return a response in the time allotted, but may still be processing the request"
	}
	if code >= 500 {
		return meta.StatusReasonInternalError, fmt.Sprintf("an error on the server (%d %s) has prevented the request from succeeding", code, http.StatusText(code))
	}
	return meta.StatusReasonUnknown, fmt.Sprintf("the server responded with the status code %d but did not return more information", code)
}

// ErrUnknownKind is wrapped by every call of a typed client whose Go type the client's registry
// does not hold.
var ErrUnknownKind = api.ErrUnknownKind
