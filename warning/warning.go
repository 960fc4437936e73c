package warning

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"unicode"
)

// Recorder receives the warnings of one request.
type Recorder interface {
	AddWarning(text string)
}

type ctxKey struct{}

// WithRecorder returns a context whose warnings go to r.
func WithRecorder(ctx context.Context, r Recorder) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// Add records a warning for the request in ctx; without a recorder it is dropped.
func Add(ctx context.Context, text string) {
	if r, ok := ctx.Value(ctxKey{}).(Recorder); ok {
		r.AddWarning(text)
	}
}

// Limits on what a HeaderRecorder sends, as kube-apiserver's: a misbehaving plugin or webhook
// must not be able to make a response's headers unbounded.
const (
	// MaxCount is the most warnings one response carries.
	MaxCount = 64
	// MaxTextBytes is the longest warning text; longer ones are cut and marked.
	MaxTextBytes = 4096
)

// HeaderRecorder adds each distinct warning to a response's header as
// `299 - "text"`, the form kube-apiserver sends and client-go parses. It is safe for concurrent
// use; warnings added after the header is written are lost, as they are in Kubernetes.
type HeaderRecorder struct {
	mu     sync.Mutex
	header http.Header
	seen   map[string]bool
}

// NewHeaderRecorder returns a recorder writing into h.
func NewHeaderRecorder(h http.Header) *HeaderRecorder { return &HeaderRecorder{header: h} }

// AddWarning adds text unless it is empty, a repeat, or over MaxCount.
func (r *HeaderRecorder) AddWarning(text string) {
	text = strings.ToValidUTF8(strings.TrimSpace(text), "\uFFFD")
	if text == "" {
		return
	}
	if len(text) > MaxTextBytes {
		text = strings.ToValidUTF8(text[:MaxTextBytes-3], "") + "..."
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen[text] || len(r.seen) >= MaxCount {
		return
	}
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	r.seen[text] = true
	r.header.Add("Warning", Header(text))
}

// Header formats text as a Warning header value (RFC 7234 code 299, no agent): the text is
// quoted, with backslash and double quote escaped and control characters replaced by spaces, since
// a header value cannot carry them.
func Header(text string) string {
	var b strings.Builder
	b.Grow(len(text) + 8)
	b.WriteString(`299 - "`)
	for _, c := range text {
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteRune(c)
		case unicode.IsControl(c):
			b.WriteByte(' ')
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
