package openapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skiff-io/skiff/api/meta"
)

// Media types of the OpenAPI v2 document in protobuf. kubectl and client-go ask for the first
// spelling, which kube-openapi calls deprecated; kube-apiserver answers both with the second.
const (
	mediaProtoV2           = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
	mediaProtoV2Deprecated = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
)

// gzipMinSize is the smallest body worth compressing, kube-apiserver's threshold.
const gzipMinSize = 128 << 10

// Handler returns the handler of /openapi/v2, /openapi/v3 and /openapi/v3/<path>, as kube-apiserver
// serves them; it expects the full request path (mount it at "/openapi/"). Every response carries
// an ETag, and a matching If-None-Match is answered 304 Not Modified.
//
//   - /openapi/v2 is JSON, or the protobuf form when the Accept header asks for it.
//   - /openapi/v3 is the discovery document listing each group version's serverRelativeURL.
//   - /openapi/v3/api/v1, /openapi/v3/apis/<group>/<version> are the group versions' documents.
//     With the hash of the current document in the hash query parameter, the response may be
//     cached forever (Cache-Control: public, immutable); with any other hash the client is
//     redirected (301) to the current URL. An unknown group version is 404 with a Status body.
func (b *Builder) Handler() http.Handler { return handler{b} }

type handler struct{ b *Builder }

func (h handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeStatus(w, http.StatusMethodNotAllowed, meta.StatusReasonMethodNotAllowed,
			"the server does not allow this method on the requested resource")
		return
	}
	path := r.URL.Path
	switch {
	case path == "/openapi/v2":
		h.serveV2(w, r)
	case path == "/openapi/v3" || path == "/openapi/v3/":
		h.serveV3Discovery(w, r)
	case strings.HasPrefix(path, "/openapi/v3/"):
		h.serveV3(w, r, strings.Trim(strings.TrimPrefix(path, "/openapi/v3/"), "/"))
	default:
		writeNotFound(w)
	}
}

func (h handler) serveV2(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	offers := []string{mediaJSON, mediaProtoV2Deprecated, mediaProtoV2}
	offer, ok := negotiate(r.Header.Get("Accept"), offers...)
	if !ok {
		writeNotAcceptable(w, r, offers)
		return
	}
	jsonDoc, protoDoc, err := h.b.v2Docs()
	if err != nil {
		writeError(w, err)
		return
	}
	if offer == mediaJSON {
		serve(w, r, jsonDoc, mediaJSON)
		return
	}
	serve(w, r, protoDoc, mediaProtoV2)
}

func (h handler) serveV3Discovery(w http.ResponseWriter, r *http.Request) {
	if err := h.b.buildV3(); err != nil {
		writeError(w, err)
		return
	}
	serve(w, r, h.b.v3Discovery, mediaJSON)
}

func (h handler) serveV3(w http.ResponseWriter, r *http.Request, key string) {
	if err := h.b.buildV3(); err != nil {
		writeError(w, err)
		return
	}
	d, ok := h.b.v3[key]
	if !ok {
		writeNotFound(w)
		return
	}
	w.Header().Add("Vary", "Accept")
	if _, ok := negotiate(r.Header.Get("Accept"), mediaJSON); !ok {
		writeNotAcceptable(w, r, []string{mediaJSON})
		return
	}
	if hash := r.URL.Query().Get("hash"); hash != "" {
		if hash != d.etag {
			http.Redirect(w, r, serverRelativeURL(key, d.etag), http.StatusMovedPermanently)
			return
		}
		// The URL names this exact content: it never changes.
		w.Header().Set("Cache-Control", "public, immutable")
		w.Header().Set("Expires", time.Now().AddDate(1, 0, 0).UTC().Format(http.TimeFormat))
	}
	serve(w, r, d, mediaJSON)
}

// serve writes a document, or 304 when the client holds it already.
func serve(w http.ResponseWriter, r *http.Request, d *document, contentType string) {
	etag := strconv.Quote(d.etag)
	hdr := w.Header()
	hdr.Set("ETag", etag)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := d.data
	if len(body) >= gzipMinSize {
		hdr.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body = d.gzip()
			hdr.Set("Content-Encoding", "gzip")
		}
	}
	hdr.Set("Content-Type", contentType)
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// gzip returns the document compressed, compressing it on first use.
func (d *document) gzip() []byte {
	d.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
		zw.Write(d.data)                                         // writes to a bytes.Buffer do not fail
		zw.Close()
		d.gzipped = buf.Bytes()
	})
	return d.gzipped
}

// etagMatches reports whether an If-None-Match header names etag (weakly, as RFC 9110 asks).
func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			return quality(params) > 0
		}
	}
	return false
}

// mediaRange is one clause of an Accept header.
type mediaRange struct {
	typ, subtype string
	q            float64
}

// negotiate returns the first of offers (media types, in the server's preference) that the Accept
// header allows, trying the header's clauses by decreasing quality and then specificity, as
// kube-openapi's handlers do. An empty header accepts anything.
func negotiate(accept string, offers ...string) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return offers[0], true
	}
	var clauses []mediaRange
	for _, part := range strings.Split(accept, ",") {
		media, params, _ := strings.Cut(part, ";")
		typ, subtype, ok := strings.Cut(strings.TrimSpace(media), "/")
		if !ok {
			continue
		}
		c := mediaRange{typ: strings.ToLower(typ), subtype: strings.ToLower(subtype), q: quality(params)}
		if c.q > 0 {
			clauses = append(clauses, c)
		}
	}
	specificity := func(c mediaRange) int {
		switch {
		case c.typ == "*":
			return 0
		case c.subtype == "*":
			return 1
		}
		return 2
	}
	slices.SortStableFunc(clauses, func(a, b mediaRange) int {
		if a.q != b.q {
			if a.q > b.q {
				return -1
			}
			return 1
		}
		return specificity(b) - specificity(a)
	})
	for _, c := range clauses {
		for _, offer := range offers {
			typ, subtype, _ := strings.Cut(offer, "/")
			if (c.typ == "*" || c.typ == typ) && (c.subtype == "*" || c.subtype == subtype) {
				return offer, true
			}
		}
	}
	return "", false
}

// quality returns the q parameter of a clause's parameters, 1 when absent.
func quality(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(name), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil {
				return 0
			}
			return q
		}
	}
	return 1
}

func writeNotFound(w http.ResponseWriter) {
	writeStatus(w, http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource")
}

func writeNotAcceptable(w http.ResponseWriter, r *http.Request, offers []string) {
	writeStatus(w, http.StatusNotAcceptable, meta.StatusReasonNotAcceptable,
		"only the following media types are accepted: "+strings.Join(offers, ", ")+"; the request accepts "+strconv.Quote(r.Header.Get("Accept")))
}

func writeError(w http.ResponseWriter, err error) {
	code, reason := http.StatusInternalServerError, meta.StatusReasonInternalError
	if errors.Is(err, ErrUnknownGroupVersion) {
		code, reason = http.StatusNotFound, meta.StatusReasonNotFound
	}
	writeStatus(w, code, reason, err.Error())
}

// writeStatus writes a Kubernetes Status, as kube-apiserver answers errors.
func writeStatus(w http.ResponseWriter, code int, reason meta.StatusReason, message string) {
	body, _ := json.Marshal(meta.NewStatus(int32(code), reason, message)) // a Status always encodes
	w.Header().Set("Content-Type", mediaJSON)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(body)
}
