package openapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

func TestHandler(t *testing.T) {
	b := New(testRegistry(t), Info{})
	h := b.Handler()
	v2, _ := b.V2()
	v2Proto, _ := b.V2Proto()
	discovery, _ := b.V3Discovery()
	apps, appsHash, _ := b.V3("apps/v1")
	core, coreHash, _ := b.V3("v1")
	etag := func(data []byte) string { return strconv.Quote(newDocument(data).etag) }

	for _, tc := range []struct {
		name        string
		method      string
		target      string
		header      http.Header
		code        int
		contentType string
		body        []byte // nil: not checked
		etag        string
		check       func(t *testing.T, resp *http.Response)
	}{
		{name: "v2 JSON by default", target: "/openapi/v2", code: 200, contentType: mediaJSON, body: v2, etag: etag(v2)},
		{name: "v2 JSON asked for", target: "/openapi/v2", header: http.Header{"Accept": {"application/json"}},
			code: 200, contentType: mediaJSON, body: v2},
		{name: "v2 protobuf as kubectl asks", target: "/openapi/v2",
			header: http.Header{"Accept": {"application/com.github.proto-openapi.spec.v2@v1.0+protobuf"}},
			code:   200, contentType: mediaProtoV2, body: v2Proto, etag: etag(v2Proto)},
		{name: "v2 protobuf, current spelling", target: "/openapi/v2",
			header: http.Header{"Accept": {"application/com.github.proto-openapi.spec.v2.v1.0+protobuf"}},
			code:   200, contentType: mediaProtoV2, body: v2Proto},
		{name: "v2 protobuf preferred by quality", target: "/openapi/v2",
			header: http.Header{"Accept": {"application/json;q=0.5, application/com.github.proto-openapi.spec.v2@v1.0+protobuf"}},
			code:   200, contentType: mediaProtoV2, body: v2Proto},
		{name: "v2 wildcard", target: "/openapi/v2", header: http.Header{"Accept": {"text/html, */*;q=0.1"}},
			code: 200, contentType: mediaJSON, body: v2},
		{name: "v2 not acceptable", target: "/openapi/v2", header: http.Header{"Accept": {"text/html"}},
			code: 406, contentType: mediaJSON, check: statusReason(meta.StatusReasonNotAcceptable)},
		{name: "v2 not modified", target: "/openapi/v2", header: http.Header{"If-None-Match": {`"x", ` + etag(v2)}},
			code: 304, body: []byte{}, etag: etag(v2)},
		{name: "v2 modified", target: "/openapi/v2", header: http.Header{"If-None-Match": {`"x"`}}, code: 200, body: v2},
		{name: "v2 HEAD", method: http.MethodHead, target: "/openapi/v2", code: 200, contentType: mediaJSON, body: []byte{},
			check: func(t *testing.T, resp *http.Response) {
				if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(v2)) {
					t.Errorf("Content-Length = %s, want %d", got, len(v2))
				}
			}},
		{name: "v2 gzip", target: "/openapi/v2", header: http.Header{"Accept-Encoding": {"gzip, deflate"}},
			code: 200, contentType: mediaJSON, etag: etag(v2), check: gunzipsTo(v2)},
		{name: "v2 gzip refused", target: "/openapi/v2", header: http.Header{"Accept-Encoding": {"gzip;q=0, identity"}},
			code: 200, body: v2},
		{name: "POST", method: http.MethodPost, target: "/openapi/v2", code: 405, contentType: mediaJSON,
			check: statusReason(meta.StatusReasonMethodNotAllowed)},

		{name: "v3 discovery", target: "/openapi/v3", code: 200, contentType: mediaJSON, body: discovery, etag: etag(discovery)},
		{name: "v3 discovery, slash", target: "/openapi/v3/", code: 200, body: discovery},
		{name: "v3 discovery not modified", target: "/openapi/v3", header: http.Header{"If-None-Match": {etag(discovery)}}, code: 304},
		{name: "v3 group", target: "/openapi/v3/apis/apps/v1", code: 200, contentType: mediaJSON, body: apps, etag: strconv.Quote(appsHash),
			check: func(t *testing.T, resp *http.Response) {
				if got := resp.Header.Get("Cache-Control"); got != "" {
					t.Errorf("Cache-Control = %q without a hash, want none", got)
				}
			}},
		{name: "v3 core", target: "/openapi/v3/api/v1", code: 200, body: core, etag: strconv.Quote(coreHash)},
		{name: "v3 current hash", target: "/openapi/v3/apis/apps/v1?hash=" + appsHash, code: 200, body: apps,
			check: func(t *testing.T, resp *http.Response) {
				if got := resp.Header.Get("Cache-Control"); got != "public, immutable" {
					t.Errorf("Cache-Control = %q, want public, immutable", got)
				}
				expires, err := http.ParseTime(resp.Header.Get("Expires"))
				if err != nil || time.Until(expires) < 300*24*time.Hour {
					t.Errorf("Expires = %q (%v), want a year from now", resp.Header.Get("Expires"), err)
				}
			}},
		{name: "v3 old hash", target: "/openapi/v3/apis/apps/v1?hash=0123", code: 301,
			check: func(t *testing.T, resp *http.Response) {
				if got, want := resp.Header.Get("Location"), "/openapi/v3/apis/apps/v1?hash="+appsHash; got != want {
					t.Errorf("Location = %q, want %q", got, want)
				}
			}},
		{name: "v3 not modified", target: "/openapi/v3/apis/apps/v1?hash=" + appsHash,
			header: http.Header{"If-None-Match": {strconv.Quote(appsHash)}}, code: 304,
			check: func(t *testing.T, resp *http.Response) {
				if got := resp.Header.Get("Cache-Control"); got != "public, immutable" {
					t.Errorf("Cache-Control = %q, want public, immutable", got)
				}
			}},
		{name: "v3 gzip", target: "/openapi/v3/api/v1", header: http.Header{"Accept-Encoding": {"gzip"}}, code: 200,
			check: gunzipsTo(core)},
		{name: "v3 unknown group", target: "/openapi/v3/apis/nope.example.com/v1", code: 404, contentType: mediaJSON,
			check: statusReason(meta.StatusReasonNotFound)},
		{name: "v3 unknown group with hash", target: "/openapi/v3/apis/nope.example.com/v1?hash=" + appsHash, code: 404,
			check: statusReason(meta.StatusReasonNotFound)},
		{name: "v3 protobuf not served", target: "/openapi/v3/apis/apps/v1",
			header: http.Header{"Accept": {"application/com.github.proto-openapi.spec.v3@v1.0+protobuf"}}, code: 406},
		{name: "unknown version", target: "/openapi/v4", code: 404, check: statusReason(meta.StatusReasonNotFound)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			req := httptest.NewRequest(method, tc.target, nil)
			for k, v := range tc.header {
				req.Header[k] = v
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			resp := rec.Result()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.code {
				t.Fatalf("status %d, want %d; body %.300s", resp.StatusCode, tc.code, body)
			}
			if tc.contentType != "" && resp.Header.Get("Content-Type") != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", resp.Header.Get("Content-Type"), tc.contentType)
			}
			if tc.body != nil && !bytes.Equal(body, tc.body) {
				t.Errorf("body differs: got %d bytes %.100q, want %d bytes", len(body), body, len(tc.body))
			}
			if tc.etag != "" && resp.Header.Get("ETag") != tc.etag {
				t.Errorf("ETag = %q, want %q", resp.Header.Get("ETag"), tc.etag)
			}
			if tc.check != nil {
				resp.Body = io.NopCloser(bytes.NewReader(body))
				tc.check(t, resp)
			}
		})
	}
}

func statusReason(want meta.StatusReason) func(*testing.T, *http.Response) {
	return func(t *testing.T, resp *http.Response) {
		var s meta.Status
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
			t.Fatalf("body is not a Status: %v", err)
		}
		if s.Kind != "Status" || s.APIVersion != "v1" || s.Reason != want || int(s.Code) != resp.StatusCode || s.Status != meta.StatusFailure {
			t.Errorf("Status = %+v, want a Failure with reason %s and code %d", s, want, resp.StatusCode)
		}
	}
}

func gunzipsTo(want []byte) func(*testing.T, *http.Response) {
	return func(t *testing.T, resp *http.Response) {
		if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
			t.Fatalf("Content-Encoding = %q, want gzip", got)
		}
		if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("Vary = %q, want Accept-Encoding in it", resp.Header.Values("Vary"))
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("gunzipped body differs from the document (%d bytes, want %d)", len(got), len(want))
		}
	}
}

// TestDiscoveryURLsServe follows every serverRelativeURL of the discovery document, as client-go
// does, through a real HTTP client.
func TestDiscoveryURLsServe(t *testing.T) {
	b := New(testRegistry(t), Info{})
	srv := httptest.NewServer(b.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/openapi/v3")
	if err != nil {
		t.Fatal(err)
	}
	var discovery struct {
		Paths map[string]struct {
			ServerRelativeURL string `json:"serverRelativeURL"`
		} `json:"paths"`
	}
	err = json.NewDecoder(resp.Body).Decode(&discovery)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(discovery.Paths) == 0 {
		t.Fatal("no paths in the discovery document")
	}
	for key, gv := range discovery.Paths {
		resp, err := http.Get(srv.URL + gv.ServerRelativeURL)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		err = json.NewDecoder(resp.Body).Decode(&doc)
		resp.Body.Close()
		if resp.StatusCode != 200 || err != nil || doc["openapi"] != "3.0.0" {
			t.Errorf("%s: GET %s: %d, %v", key, gv.ServerRelativeURL, resp.StatusCode, err)
		}
		if resp.Header.Get("Cache-Control") != "public, immutable" {
			t.Errorf("%s: Cache-Control = %q", key, resp.Header.Get("Cache-Control"))
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		accept string
		want   string
		ok     bool
	}{
		{"", mediaJSON, true},
		{"application/json", mediaJSON, true},
		{"application/*", mediaJSON, true},
		{"*/*", mediaJSON, true},
		{"application/com.github.proto-openapi.spec.v2@v1.0+protobuf", mediaProtoV2Deprecated, true},
		{"application/com.github.proto-openapi.spec.v2.v1.0+protobuf; q=0.9, application/json;q=0.8", mediaProtoV2, true},
		{"*/*;q=0.1, application/com.github.proto-openapi.spec.v2.v1.0+protobuf", mediaProtoV2, true},
		{"application/json;q=0, */*;q=0.5", mediaJSON, true},
		{"application/json;q=0", "", false},
		{"text/plain", "", false},
		{"garbage", "", false},
	} {
		got, ok := negotiate(tc.accept, mediaJSON, mediaProtoV2Deprecated, mediaProtoV2)
		if got != tc.want || ok != tc.ok {
			t.Errorf("negotiate(%q) = %q, %v; want %q, %v", tc.accept, got, ok, tc.want, tc.ok)
		}
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	b := New(api.Builtin(), Info{})
	h := b.Handler()
	done := make(chan []byte)
	for i := 0; i < 8; i++ {
		target := []string{"/openapi/v2", "/openapi/v3", "/openapi/v3/apis/apps/v1"}[i%3]
		go func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			done <- rec.Body.Bytes()
		}()
	}
	for i := 0; i < 8; i++ {
		if len(<-done) == 0 {
			t.Error("empty response")
		}
	}
}
