package openapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/skiff-io/skiff/api"
)

// testServer is a minimal API server for kubectl: the OpenAPI handler under test, the discovery
// documents kube-apiserver serves (/api, /apis, /api/v1, /apis/<group>/<version>), and a map of
// objects that creates fill (unless dry-run), gets read and patches leave alone. It records the
// requests it gets. The real API server is built elsewhere; this is only what kubectl needs to
// exercise the OpenAPI documents.
type testServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	objects  map[string][]byte // by item path
}

// request is a request the test server got.
type request struct {
	method, uri, contentType, body string
}

func newTestServer(t *testing.T, reg *api.Registry, wrap func(*Builder, http.Handler) http.Handler) *testServer {
	t.Helper()
	b := New(reg, Info{Title: "skiff", Version: "v1.32.0-skiff"})
	s := &testServer{objects: make(map[string][]byte)}
	mux := http.NewServeMux()
	var openapi http.Handler = b.Handler()
	if wrap != nil {
		openapi = wrap(b, openapi)
	}
	mux.Handle("/openapi/", openapi)
	mux.HandleFunc("/version", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"major": "1", "minor": "32", "gitVersion": "v1.32.0-skiff", "platform": "linux/amd64"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.serveAPI(w, r, reg)
	})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.requests = append(s.requests, request{r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), string(body)})
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// find returns the requests with a method whose URI starts with prefix.
func (s *testServer) find(method, prefix string) []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []request
	for _, r := range s.requests {
		if r.method == method && strings.HasPrefix(r.uri, prefix) {
			out = append(out, r)
		}
	}
	return out
}

func writeJSONBytes(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func (s *testServer) serveAPI(w http.ResponseWriter, r *http.Request, reg *api.Registry) {
	kinds := reg.Kinds()
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch path {
	case "/api":
		writeJSON(w, http.StatusOK, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []any{map[string]string{"clientCIDR": "0.0.0.0/0", "serverAddress": r.Host}}})
		return
	case "/apis":
		var groups []any
		seen := map[string]bool{}
		for _, k := range kinds {
			if k.Group == "" || seen[k.Group] {
				continue
			}
			seen[k.Group] = true
			gv := map[string]string{"groupVersion": k.APIVersion(), "version": k.Version}
			groups = append(groups, map[string]any{"name": k.Group, "versions": []any{gv}, "preferredVersion": gv})
		}
		writeJSON(w, http.StatusOK, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
		return
	}
	for _, k := range kinds {
		prefix := "/apis/" + k.APIVersion()
		if k.Group == "" {
			prefix = "/api/" + k.Version
		}
		if path == prefix {
			writeJSON(w, http.StatusOK, resourceList(kinds, k.Group, k.Version))
			return
		}
	}
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		var obj struct {
			Metadata struct{ Name string } `json:"metadata"`
		}
		if err := json.Unmarshal(body, &obj); err != nil || obj.Metadata.Name == "" {
			writeJSON(w, http.StatusBadRequest, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure",
				"message": "the test server needs a JSON body with a name", "reason": "BadRequest", "code": 400})
			return
		}
		if r.URL.Query().Get("dryRun") == "" {
			s.objects[path+"/"+obj.Metadata.Name] = body
		}
		writeJSONBytes(w, http.StatusCreated, body)
		return
	case http.MethodGet, http.MethodPatch:
		if obj, ok := s.objects[path]; ok {
			writeJSONBytes(w, http.StatusOK, obj)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"kind": "Status", "apiVersion": "v1", "metadata": map[string]any{},
		"status": "Failure", "message": "not found", "reason": "NotFound", "code": 404})
}

// resourceList is the APIResourceList of a group version, as kube-apiserver writes it.
func resourceList(kinds []*api.Kind, group, version string) map[string]any {
	var resources []any
	for _, k := range kinds {
		if k.Group != group || k.Version != version {
			continue
		}
		verbs := k.Verbs
		if len(verbs) == 0 {
			verbs = allVerbs
		}
		r := map[string]any{"name": k.Resource, "singularName": k.Singular, "namespaced": k.Namespaced,
			"kind": k.Kind, "verbs": verbs}
		if len(k.ShortNames) > 0 {
			r["shortNames"] = k.ShortNames
		}
		if len(k.Categories) > 0 {
			r["categories"] = k.Categories
		}
		resources = append(resources, r)
		for _, sub := range k.Subresources {
			sr := map[string]any{"name": k.Resource + "/" + sub, "singularName": "", "namespaced": k.Namespaced,
				"kind": k.Kind, "verbs": []string{"get", "patch", "update"}}
			if sub == "scale" {
				sr["group"], sr["version"], sr["kind"] = "autoscaling", "v1", "Scale"
			}
			resources = append(resources, sr)
		}
	}
	return map[string]any{"kind": "APIResourceList", "apiVersion": "v1",
		"groupVersion": api.GroupVersionKind{Group: group, Version: version}.APIVersion(), "resources": resources}
}
