package apiserver

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"sync"
)

// Transport returns an http.RoundTripper that hands requests straight to the server's handler, with
// no socket and no encryption, so that tests and embedded clusters run the whole request path
// (filters included) in one process. Responses stream: a watch's body yields events as the handler
// writes them. peer, when set, is presented as the client's TLS state, so client-certificate
// authentication works in process too.
func (s *Server) Transport(peer *tls.ConnectionState) http.RoundTripper {
	return &inProcessTransport{h: s.handler, peer: peer}
}

type inProcessTransport struct {
	h    http.Handler
	peer *tls.ConnectionState
}

func (t *inProcessTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	r := req.Clone(ctx)
	if r.Body == nil {
		r.Body = http.NoBody
	}
	if r.RemoteAddr == "" {
		r.RemoteAddr = "127.0.0.1:0"
	}
	if r.RequestURI == "" {
		r.RequestURI = r.URL.RequestURI()
	}
	if t.peer != nil {
		st := *t.peer
		r.TLS = &st
	}
	pr, pw := io.Pipe()
	rw := &pipeWriter{header: make(http.Header), pw: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			if p := recover(); p != nil && p != http.ErrAbortHandler {
				pw.CloseWithError(io.ErrUnexpectedEOF)
			}
			rw.writeHeaderOnce(http.StatusOK)
			pw.Close()
		}()
		t.h.ServeHTTP(rw, r)
	}()
	select {
	case <-rw.ready:
	case <-req.Context().Done():
		cancel()
		return nil, req.Context().Err()
	}
	return &http.Response{
		Status:        http.StatusText(rw.status),
		StatusCode:    rw.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rw.sent,
		Body:          &cancelBody{ReadCloser: pr, cancel: cancel},
		ContentLength: -1,
		Request:       req,
	}, nil
}

// pipeWriter is a ResponseWriter whose body flows through a pipe to the response.
type pipeWriter struct {
	header http.Header
	sent   http.Header
	pw     *io.PipeWriter
	once   sync.Once
	ready  chan struct{}
	status int
}

func (w *pipeWriter) Header() http.Header { return w.header }

func (w *pipeWriter) writeHeaderOnce(code int) {
	w.once.Do(func() {
		w.status = code
		w.sent = w.header.Clone()
		close(w.ready)
	})
}

func (w *pipeWriter) WriteHeader(code int) { w.writeHeaderOnce(code) }

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.writeHeaderOnce(http.StatusOK)
	return w.pw.Write(p)
}

// Flush is a no-op: every Write already reaches the reader.
func (w *pipeWriter) Flush() {}

// cancelBody ends the request (and its handler) when the client closes the body.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	b.cancel()
	return b.ReadCloser.Close()
}
