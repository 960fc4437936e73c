package openapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/apiserver/openapi"
)

func Example() {
	docs := openapi.New(api.Builtin(), openapi.Info{Version: "v1.32.0-skiff"})
	mux := http.NewServeMux()
	mux.Handle("/openapi/", docs.Handler())

	// kubectl asks for the v2 document in protobuf.
	req := httptest.NewRequest(http.MethodGet, "/openapi/v2", nil)
	req.Header.Set("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"))

	// The v3 document of apps/v1, at the URL the discovery document gives.
	_, hash, _ := docs.V3("apps/v1")
	req = httptest.NewRequest(http.MethodGet, "/openapi/v3/apis/apps/v1?hash="+hash, nil)
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"))
	// Output:
	// 200 application/com.github.proto-openapi.spec.v2.v1.0+protobuf
	// 200 public, immutable
}
