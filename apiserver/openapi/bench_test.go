package openapi

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/skiff-io/skiff/api"
)

// BenchmarkBuild builds every document of Kubernetes' kinds: the v2 JSON and protobuf, the v3
// document of each group version and the v3 discovery document, as a server does on first use.
func BenchmarkBuild(b *testing.B) {
	reg := api.Builtin()
	var size int
	for b.Loop() {
		bld := New(reg, Info{})
		v2, err := bld.V2()
		if err != nil {
			b.Fatal(err)
		}
		pb, err := bld.V2Proto()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := bld.V3Discovery(); err != nil {
			b.Fatal(err)
		}
		size = len(v2) + len(pb)
		gvs, _ := bld.GroupVersions()
		for _, gv := range gvs {
			doc, _, _ := bld.V3(gv)
			size += len(doc)
		}
	}
	b.ReportMetric(float64(size), "bytes/op")
}

// BenchmarkServe serves cached documents through the handler.
func BenchmarkServe(b *testing.B) {
	bld := New(api.Builtin(), Info{})
	h := bld.Handler()
	_, hash, err := bld.V3("apps/v1")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		target string
		header http.Header
		code   int
	}{
		{"v3 group", "/openapi/v3/apis/apps/v1?hash=" + hash, nil, 200},
		{"v3 group gzip", "/openapi/v3/apis/apps/v1?hash=" + hash, http.Header{"Accept-Encoding": {"gzip"}}, 200},
		{"v3 group not modified", "/openapi/v3/apis/apps/v1?hash=" + hash, http.Header{"If-None-Match": {strconv.Quote(hash)}}, 304},
		{"v3 discovery", "/openapi/v3", nil, 200},
		{"v2 protobuf", "/openapi/v2", http.Header{"Accept": {mediaProtoV2Deprecated}}, 200},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, bc.target, nil)
			req.Header = bc.header
			if req.Header == nil {
				req.Header = http.Header{}
			}
			w := &discardWriter{header: http.Header{}}
			for b.Loop() {
				clear(w.header)
				h.ServeHTTP(w, req)
				if w.code != bc.code {
					b.Fatalf("status %d, want %d", w.code, bc.code)
				}
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps only the status, so that the benchmark measures the
// handler rather than a recorder's buffer.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
