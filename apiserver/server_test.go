package apiserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/initialization"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/store/memdb"
)

// testServer is a real server on an in-memory store, reached through the in-process transport.
type testServer struct {
	t      *testing.T
	srv    *apiserver.Server
	client *http.Client
}

func newTestServer(t *testing.T, mutate ...func(*apiserver.Config)) *testServer {
	t.Helper()
	reg := api.Builtin()
	st, err := memdb.Open(memdb.Options{Codec: reg, HistorySize: 200})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := apiserver.Config{Registry: reg, Store: st}
	for _, m := range mutate {
		m(&cfg)
	}
	srv, err := apiserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	return &testServer{t: t, srv: srv, client: &http.Client{Transport: srv.Transport(nil)}}
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, r.body)
	}
	return m
}

// get digs into a decoded JSON document: get(m, "metadata", "name").
func get(m any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			mm, _ := m.(map[string]any)
			m = mm[k]
		case int:
			l, _ := m.([]any)
			if k >= len(l) {
				return nil
			}
			m = l[k]
		}
	}
	return m
}

func (ts *testServer) do(method, path, body string, header ...string) response {
	ts.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://skiff"+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: data}
}

func (ts *testServer) mustDo(code int, method, path, body string, header ...string) map[string]any {
	ts.t.Helper()
	r := ts.do(method, path, body, header...)
	if r.code != code {
		ts.t.Fatalf("%s %s: %d, want %d\n%s", method, path, r.code, code, r.body)
	}
	return r.json(ts.t)
}

const podJSON = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":%q,"labels":{"app":%q}},
	"spec":{"containers":[{"name":"nginx","image":"nginx:1.22"}]}}`

func TestDiscovery(t *testing.T) {
	ts := newTestServer(t)
	api := ts.mustDo(200, "GET", "/api", "")
	if diff := cmp.Diff([]any{"v1"}, api["versions"]); diff != "" || api["kind"] != "APIVersions" {
		t.Errorf("/api: %v %s", api["kind"], diff)
	}
	apis := ts.mustDo(200, "GET", "/apis", "")
	var groups []string
	for _, g := range apis["groups"].([]any) {
		groups = append(groups, get(g, "name").(string))
	}
	for _, want := range []string{"apps", "rbac.authorization.k8s.io", "coordination.k8s.io"} {
		if !strings.Contains(strings.Join(groups, ","), want) {
			t.Errorf("/apis lacks group %s: %v", want, groups)
		}
	}
	v1 := ts.mustDo(200, "GET", "/api/v1", "")
	found := map[string]map[string]any{}
	for _, r := range v1["resources"].([]any) {
		found[get(r, "name").(string)] = r.(map[string]any)
	}
	if p := found["pods"]; p == nil || p["kind"] != "Pod" || p["namespaced"] != true || !strings.Contains(fmt.Sprint(p["shortNames"]), "po") {
		t.Errorf("pods in /api/v1: %v", p)
	}
	if b := found["pods/binding"]; b == nil || fmt.Sprint(b["verbs"]) != "[create]" {
		t.Errorf("pods/binding in /api/v1: %v", b)
	}
	if n := found["nodes"]; n == nil || n["namespaced"] != false {
		t.Errorf("nodes in /api/v1: %v", n)
	}
	apps := ts.mustDo(200, "GET", "/apis/apps/v1", "")
	if apps["groupVersion"] != "apps/v1" {
		t.Errorf("/apis/apps/v1: %v", apps["groupVersion"])
	}
	// Aggregated discovery, v2 and the v2beta1 of kubectl 1.27.
	for _, v := range []string{"v2", "v2beta1"} {
		r := ts.do("GET", "/apis", "", "Accept", "application/json;g=apidiscovery.k8s.io;v="+v+";as=APIGroupDiscoveryList,application/json")
		if !strings.Contains(r.header.Get("Content-Type"), "as=APIGroupDiscoveryList") || !strings.Contains(r.header.Get("Content-Type"), "v="+v) {
			t.Fatalf("aggregated %s: content type %q", v, r.header.Get("Content-Type"))
		}
		m := r.json(t)
		if m["kind"] != "APIGroupDiscoveryList" || get(m, "items", 0, "versions", 0, "resources", 0, "responseKind", "kind") == nil {
			t.Errorf("aggregated %s: %s", v, r.body)
		}
	}
	if ts.do("GET", "/apis/nothing/v1", "").code != 404 {
		t.Error("unknown group-version is not 404")
	}
	ver := ts.mustDo(200, "GET", "/version", "")
	if ver["major"] != "1" || ver["gitVersion"] == "" {
		t.Errorf("/version: %v", ver)
	}
	if r := ts.do("GET", "/healthz", ""); r.code != 200 || string(r.body) != "ok" {
		t.Errorf("/healthz: %d %q", r.code, r.body)
	}
}

func TestCreateGetList(t *testing.T) {
	ts := newTestServer(t)
	pod := ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "web", "web"))
	if get(pod, "metadata", "uid") == "" || get(pod, "metadata", "creationTimestamp") == nil || get(pod, "metadata", "resourceVersion") == "" {
		t.Errorf("server-set fields missing: %v", pod["metadata"])
	}
	if get(pod, "metadata", "namespace") != "default" || get(pod, "status", "phase") != "Pending" || get(pod, "status", "qosClass") != "BestEffort" {
		t.Errorf("namespace/status: %v %v", pod["metadata"], pod["status"])
	}
	if get(pod, "spec", "restartPolicy") != "Always" || get(pod, "spec", "containers", 0, "imagePullPolicy") != "IfNotPresent" {
		t.Errorf("defaults not applied: %v", pod["spec"])
	}
	got := ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods/web", "")
	if get(got, "metadata", "uid") != get(pod, "metadata", "uid") {
		t.Errorf("get returned another pod")
	}
	gen := ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods",
		`{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-","labels":{"app":"db"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}`)
	name := get(gen, "metadata", "name").(string)
	if !strings.HasPrefix(name, "web-") || len(name) != len("web-")+5 {
		t.Errorf("generated name %q", name)
	}
	list := ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods", "")
	if list["kind"] != "PodList" || list["apiVersion"] != "v1" || len(list["items"].([]any)) != 2 || get(list, "metadata", "resourceVersion") == "" {
		t.Errorf("list: %v %v", list["kind"], list["metadata"])
	}
	sel := ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb", "")
	if items := sel["items"].([]any); len(items) != 1 || get(items[0], "metadata", "name") != "web" {
		t.Errorf("labelSelector app=web: %v", items)
	}
	byName := ts.mustDo(200, "GET", "/api/v1/pods?fieldSelector=metadata.name%3D"+name, "")
	if items := byName["items"].([]any); len(items) != 1 {
		t.Errorf("all-namespaces list with fieldSelector: %d items", len(items))
	}
	if r := ts.do("GET", "/api/v1/pods?fieldSelector=spec.color%3Dred", ""); r.code != 400 || !strings.Contains(string(r.body), "field label not supported: spec.color") {
		t.Errorf("unsupported field selector: %d %s", r.code, r.body)
	}
	page := ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods?limit=1", "")
	cont := get(page, "metadata", "continue")
	if len(page["items"].([]any)) != 1 || cont == nil {
		t.Fatalf("limit=1: %v", page["metadata"])
	}
	page2 := ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods?limit=1&continue="+cont.(string), "")
	if len(page2["items"].([]any)) != 1 || get(page2, "metadata", "continue") != nil {
		t.Errorf("second page: %v", page2["metadata"])
	}
	empty := ts.mustDo(200, "GET", "/api/v1/namespaces/kube-system/pods", "")
	if items, ok := empty["items"].([]any); !ok || len(items) != 0 {
		t.Errorf("an empty list must have items: [], got %s", fmt.Sprint(empty["items"]))
	}
	y := ts.do("GET", "/api/v1/namespaces/default/pods/web", "", "Accept", "application/yaml")
	if y.header.Get("Content-Type") != "application/yaml" || !strings.Contains(string(y.body), "name: web") {
		t.Errorf("yaml: %s %s", y.header.Get("Content-Type"), y.body)
	}
}

func TestErrors(t *testing.T) {
	ts := newTestServer(t)
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "web", "web"))
	cases := []struct {
		name, method, path, body string
		code                     int
		reason, message          string
	}{
		{"not found", "GET", "/api/v1/namespaces/default/pods/nope", "", 404, "NotFound", `pods "nope" not found`},
		{"already exists", "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "web", "web"), 409, "AlreadyExists", `pods "web" already exists`},
		{"invalid", "POST", "/api/v1/namespaces/default/pods", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad"},"spec":{"containers":[{"name":"Bad_Name"}]}}`, 422, "Invalid", `Pod "bad" is invalid: [`},
		{"malformed JSON", "POST", "/api/v1/namespaces/default/pods", `{"apiVersion":`, 400, "BadRequest", "invalid JSON"},
		{"wrong type", "POST", "/apis/apps/v1/namespaces/default/deployments", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":"three"}}`, 400, "BadRequest", "spec.replicas"},
		{"kind mismatch", "POST", "/api/v1/namespaces/default/pods", `{"apiVersion":"v1","kind":"Node","metadata":{"name":"x"}}`, 400, "BadRequest", "does not match the expected kind"},
		{"namespace mismatch", "POST", "/api/v1/namespaces/default/pods", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","namespace":"other"},"spec":{"containers":[{"name":"c","image":"i"}]}}`, 400, "BadRequest", "does not match the namespace"},
		{"unknown resource", "GET", "/api/v1/gizmos", "", 404, "NotFound", "the server could not find the requested resource"},
		{"unknown path", "GET", "/nothing/here", "", 404, "NotFound", "the server could not find the requested resource"},
		{"strict unknown field", "POST", "/api/v1/namespaces/default/pods?fieldValidation=Strict", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"s"},"spec":{"containers":[{"name":"c","image":"i"}],"colour":"red"}}`, 400, "BadRequest", `strict decoding error: unknown field "spec.colour"`},
		{"strict duplicate field", "POST", "/api/v1/namespaces/default/pods?fieldValidation=Strict", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"s","name":"t"},"spec":{"containers":[{"name":"c","image":"i"}]}}`, 400, "BadRequest", `duplicate field "metadata.name"`},
		{"bad fieldValidation", "POST", "/api/v1/namespaces/default/pods?fieldValidation=Loose", `{}`, 400, "BadRequest", "fieldValidation parameter unsupported"},
		{"bad label selector", "GET", "/api/v1/pods?labelSelector=a%20in", "", 400, "BadRequest", "unable to parse requirement"},
		{"named create", "POST", "/api/v1/namespaces/default/pods/web", `{}`, 405, "MethodNotAllowed", ""},
		{"unsupported media type", "POST", "/api/v1/namespaces/default/pods", `x`, 415, "UnsupportedMediaType", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.name == "unsupported media type" {
				r = ts.do(tc.method, tc.path, tc.body, "Content-Type", "text/csv")
			} else {
				r = ts.do(tc.method, tc.path, tc.body)
			}
			if r.code != tc.code {
				t.Fatalf("code %d, want %d: %s", r.code, tc.code, r.body)
			}
			st := r.json(t)
			if st["kind"] != "Status" || st["apiVersion"] != "v1" || st["status"] != "Failure" || st["reason"] != tc.reason || int(st["code"].(float64)) != tc.code {
				t.Errorf("status %v", st)
			}
			if !strings.Contains(fmt.Sprint(st["message"]), tc.message) {
				t.Errorf("message %q lacks %q", st["message"], tc.message)
			}
		})
	}
	// An Invalid error names each field in its causes.
	st := ts.do("POST", "/api/v1/namespaces/default/pods", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad"},"spec":{"containers":[{"name":"Bad_Name"}]}}`).json(t)
	causes := fmt.Sprint(get(st, "details", "causes"))
	for _, want := range []string{"spec.containers[0].name", "spec.containers[0].image", "FieldValueRequired"} {
		if !strings.Contains(causes, want) {
			t.Errorf("causes lack %s: %s", want, causes)
		}
	}
	// Warn (the default) accepts unknown fields and says so in a Warning header.
	r := ts.do("POST", "/api/v1/namespaces/default/pods", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"w"},"spec":{"containers":[{"name":"c","image":"i"}],"colour":"red"}}`)
	if r.code != 201 || !strings.Contains(r.header.Get("Warning"), `unknown field \"spec.colour\"`) {
		t.Errorf("warn: %d %q", r.code, r.header.Get("Warning"))
	}
	big := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"` + strings.Repeat("x", apiserver.MaxRequestBodyBytes) + `"}}`
	if r := ts.do("POST", "/api/v1/namespaces/default/configmaps", big); r.code != 413 {
		t.Errorf("3 MiB body: %d", r.code)
	}
}

func TestUpdateGenerationStatus(t *testing.T) {
	ts := newTestServer(t)
	dep := ts.mustDo(201, "POST", "/apis/apps/v1/namespaces/default/deployments", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nginx"},
		"spec":{"replicas":3,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx"}]}}},
		"status":{"replicas":99}}`)
	if get(dep, "metadata", "generation") != 1.0 || get(dep, "status", "replicas") != nil {
		t.Errorf("create: generation %v, status %v (status is set through /status only)", get(dep, "metadata", "generation"), dep["status"])
	}
	if get(dep, "spec", "strategy", "rollingUpdate", "maxSurge") != "25%" || get(dep, "spec", "revisionHistoryLimit") != 10.0 {
		t.Errorf("deployment defaults: %v", dep["spec"])
	}
	rv := get(dep, "metadata", "resourceVersion").(string)
	// A label change is not a spec change.
	dep["metadata"].(map[string]any)["labels"] = map[string]any{"tier": "web"}
	body, _ := json.Marshal(dep)
	upd := ts.mustDo(200, "PUT", "/apis/apps/v1/namespaces/default/deployments/nginx", string(body))
	if get(upd, "metadata", "generation") != 1.0 {
		t.Errorf("label change moved generation to %v", get(upd, "metadata", "generation"))
	}
	// The old resourceVersion is stale now.
	if r := ts.do("PUT", "/apis/apps/v1/namespaces/default/deployments/nginx", string(body)); r.code != 409 || !strings.Contains(string(r.body), "the object has been modified") {
		t.Errorf("stale update: %d %s", r.code, r.body)
	}
	_ = rv
	upd["spec"].(map[string]any)["replicas"] = 5
	upd["status"] = map[string]any{"replicas": 42}
	body, _ = json.Marshal(upd)
	upd2 := ts.mustDo(200, "PUT", "/apis/apps/v1/namespaces/default/deployments/nginx", string(body))
	if get(upd2, "metadata", "generation") != 2.0 || get(upd2, "spec", "replicas") != 5.0 || get(upd2, "status", "replicas") != nil {
		t.Errorf("spec change: generation %v, replicas %v, status %v", get(upd2, "metadata", "generation"), get(upd2, "spec", "replicas"), upd2["status"])
	}
	// The status subresource changes the status and nothing else.
	upd2["status"] = map[string]any{"replicas": 5, "observedGeneration": 2}
	upd2["spec"].(map[string]any)["replicas"] = 1
	body, _ = json.Marshal(upd2)
	st := ts.mustDo(200, "PUT", "/apis/apps/v1/namespaces/default/deployments/nginx/status", string(body))
	if get(st, "status", "replicas") != 5.0 || get(st, "spec", "replicas") != 5.0 || get(st, "metadata", "generation") != 2.0 {
		t.Errorf("status update: status %v, spec.replicas %v", st["status"], get(st, "spec", "replicas"))
	}
	// Identity from the URL wins; a different name is refused.
	st["metadata"].(map[string]any)["name"] = "other"
	body, _ = json.Marshal(st)
	if r := ts.do("PUT", "/apis/apps/v1/namespaces/default/deployments/nginx", string(body)); r.code != 400 {
		t.Errorf("renaming update: %d %s", r.code, r.body)
	}
	// Immutable selector.
	st["metadata"].(map[string]any)["name"] = "nginx"
	st["spec"].(map[string]any)["selector"] = map[string]any{"matchLabels": map[string]any{"app": "other"}}
	st["metadata"].(map[string]any)["resourceVersion"] = ""
	body, _ = json.Marshal(st)
	if r := ts.do("PUT", "/apis/apps/v1/namespaces/default/deployments/nginx", string(body)); r.code != 422 || !strings.Contains(string(r.body), "field is immutable") {
		t.Errorf("selector change: %d %s", r.code, r.body)
	}
}

func TestScaleAndBinding(t *testing.T) {
	ts := newTestServer(t)
	ts.mustDo(201, "POST", "/apis/apps/v1/namespaces/default/replicasets", `{"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"rs"},
		"spec":{"replicas":2,"selector":{"matchLabels":{"app":"a"}},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}`)
	sc := ts.mustDo(200, "GET", "/apis/apps/v1/namespaces/default/replicasets/rs/scale", "")
	if sc["kind"] != "Scale" || sc["apiVersion"] != "autoscaling/v1" || get(sc, "spec", "replicas") != 2.0 || get(sc, "status", "selector") != "app=a" {
		t.Errorf("scale: %v", sc)
	}
	sc["spec"].(map[string]any)["replicas"] = 4
	body, _ := json.Marshal(sc)
	ts.mustDo(200, "PUT", "/apis/apps/v1/namespaces/default/replicasets/rs/scale", string(body))
	rs := ts.mustDo(200, "GET", "/apis/apps/v1/namespaces/default/replicasets/rs", "")
	if get(rs, "spec", "replicas") != 4.0 || get(rs, "metadata", "generation") != 2.0 {
		t.Errorf("after scale: replicas %v generation %v", get(rs, "spec", "replicas"), get(rs, "metadata", "generation"))
	}
	if r := ts.do("GET", "/api/v1/namespaces/default/pods/x/scale", ""); r.code != 404 {
		t.Errorf("pods have no scale: %d", r.code)
	}

	ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "p", "p"))
	bind := `{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{"apiVersion":"v1","kind":"Node","name":"node-1"}}`
	ok := ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods/p/binding", bind)
	if ok["status"] != "Success" {
		t.Errorf("binding answer: %v", ok)
	}
	pod := ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods/p", "")
	if get(pod, "spec", "nodeName") != "node-1" || get(pod, "status", "conditions", 0, "type") != "PodScheduled" {
		t.Errorf("bound pod: %v %v", pod["spec"].(map[string]any)["nodeName"], get(pod, "status", "conditions"))
	}
	if r := ts.do("POST", "/api/v1/namespaces/default/pods/p/binding", strings.Replace(bind, "node-1", "node-2", 1)); r.code != 409 || !strings.Contains(string(r.body), `already assigned to node \"node-1\"`) {
		t.Errorf("second binding: %d %s", r.code, r.body)
	}
	// The bindings resource does the same.
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "q", "q"))
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/bindings", strings.Replace(bind, `"name":"p"`, `"name":"q"`, 1))
	if get(ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods/q", ""), "spec", "nodeName") != "node-1" {
		t.Error("POST bindings did not bind")
	}
}

func TestDelete(t *testing.T) {
	ts := newTestServer(t)
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"plain"}}`)
	ts.mustDo(200, "DELETE", "/api/v1/namespaces/default/configmaps/plain", "")
	if r := ts.do("GET", "/api/v1/namespaces/default/configmaps/plain", ""); r.code != 404 {
		t.Errorf("after delete: %d", r.code)
	}
	// With a finalizer, delete marks the object; removing the finalizer finishes the deletion.
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}`)
	marked := ts.mustDo(202, "DELETE", "/api/v1/namespaces/default/configmaps/held", "")
	if get(marked, "metadata", "deletionTimestamp") == nil {
		t.Fatalf("finalizer: not marked: %v", marked["metadata"])
	}
	marked["metadata"].(map[string]any)["finalizers"] = nil
	body, _ := json.Marshal(marked)
	ts.mustDo(200, "PUT", "/api/v1/namespaces/default/configmaps/held", string(body))
	if r := ts.do("GET", "/api/v1/namespaces/default/configmaps/held", ""); r.code != 404 {
		t.Errorf("after the last finalizer went: %d %s", r.code, r.body)
	}
	// Foreground propagation adds its finalizer for the garbage collector.
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fg"}}`)
	fg := ts.mustDo(202, "DELETE", "/api/v1/namespaces/default/configmaps/fg", `{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}`)
	if fmt.Sprint(get(fg, "metadata", "finalizers")) != "[foregroundDeletion]" {
		t.Errorf("foreground: finalizers %v", get(fg, "metadata", "finalizers"))
	}
	// Preconditions.
	cm := ts.mustDo(201, "POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"pre"}}`)
	if r := ts.do("DELETE", "/api/v1/namespaces/default/configmaps/pre", `{"preconditions":{"uid":"wrong"}}`); r.code != 409 || !strings.Contains(string(r.body), "Precondition failed: UID in precondition: wrong") {
		t.Errorf("uid precondition: %d %s", r.code, r.body)
	}
	ts.mustDo(200, "DELETE", "/api/v1/namespaces/default/configmaps/pre", fmt.Sprintf(`{"preconditions":{"uid":%q}}`, get(cm, "metadata", "uid")))
	// A pod bound to a node terminates gracefully: marked with its grace period.
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bound"},"spec":{"nodeName":"n1","containers":[{"name":"c","image":"i"}]}}`)
	gp := ts.mustDo(202, "DELETE", "/api/v1/namespaces/default/pods/bound", "")
	if get(gp, "metadata", "deletionGracePeriodSeconds") != 30.0 {
		t.Errorf("graceful pod: %v", gp["metadata"])
	}
	ts.mustDo(200, "DELETE", "/api/v1/namespaces/default/pods/bound?gracePeriodSeconds=0", "")
	// deletecollection with a selector.
	for _, n := range []string{"a", "b", "c"} {
		ts.mustDo(201, "POST", "/api/v1/namespaces/default/configmaps", fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%q,"labels":{"x":%q}}}`, n, map[string]string{"a": "1", "b": "1", "c": "2"}[n]))
	}
	gone := ts.mustDo(200, "DELETE", "/api/v1/namespaces/default/configmaps?labelSelector=x%3D1", "")
	if len(gone["items"].([]any)) != 2 {
		t.Errorf("deletecollection deleted %d", len(gone["items"].([]any)))
	}
	left := ts.mustDo(200, "GET", "/api/v1/namespaces/default/configmaps?labelSelector=x", "")
	if items := left["items"].([]any); len(items) != 1 || get(items[0], "metadata", "name") != "c" {
		t.Errorf("left after deletecollection: %v", items)
	}
	// Namespaces wait for the namespace controller.
	ts.mustDo(201, "POST", "/api/v1/namespaces", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}`)
	ns := ts.mustDo(202, "DELETE", "/api/v1/namespaces/team", "")
	if get(ns, "status", "phase") != "Terminating" {
		t.Errorf("namespace deletion: %v", ns["status"])
	}
	ns["spec"] = map[string]any{"finalizers": []any{}}
	body, _ = json.Marshal(ns)
	ts.mustDo(200, "PUT", "/api/v1/namespaces/team/finalize", string(body))
	if r := ts.do("GET", "/api/v1/namespaces/team", ""); r.code != 404 {
		t.Errorf("finalized namespace still there: %d", r.code)
	}
}

// watchLines opens a watch and returns a channel of its events.
func (ts *testServer) watch(path string) (<-chan map[string]any, func()) {
	ts.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://skiff"+path, nil)
	resp, err := ts.client.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		ts.t.Fatalf("watch %s: %d", path, resp.StatusCode)
	}
	ch := make(chan map[string]any, 100)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev map[string]any
			if json.Unmarshal(sc.Bytes(), &ev) == nil {
				ch <- ev
			}
		}
	}()
	return ch, func() { cancel(); resp.Body.Close() }
}

func nextEvent(t *testing.T, ch <-chan map[string]any) map[string]any {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("watch ended")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no watch event in 10s")
	}
	return nil
}

func TestWatch(t *testing.T) {
	ts := newTestServer(t)
	first := ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "a", "a"))
	rv := get(first, "metadata", "resourceVersion").(string)
	ch, stop := ts.watch("/api/v1/namespaces/default/pods?watch=true&resourceVersion=" + rv)
	defer stop()
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "b", "b"))
	ts.mustDo(200, "DELETE", "/api/v1/namespaces/default/pods/b", "")
	ev := nextEvent(t, ch)
	if ev["type"] != "ADDED" || get(ev, "object", "metadata", "name") != "b" || get(ev, "object", "kind") != "Pod" {
		t.Errorf("first event: %v", ev)
	}
	if ev := nextEvent(t, ch); ev["type"] != "DELETED" || get(ev, "object", "metadata", "name") != "b" {
		t.Errorf("second event: %v", ev)
	}
	// From the beginning: the current state as ADDED events.
	all, stopAll := ts.watch("/api/v1/namespaces/default/pods?watch=1")
	defer stopAll()
	if ev := nextEvent(t, all); ev["type"] != "ADDED" || get(ev, "object", "metadata", "name") != "a" {
		t.Errorf("initial event: %v", ev)
	}
	// A watch on one name, as kubectl delete --wait does.
	one, stopOne := ts.watch("/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dc&resourceVersion=" + rv)
	defer stopOne()
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "d", "d"))
	ts.mustDo(201, "POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "c", "c"))
	if ev := nextEvent(t, one); get(ev, "object", "metadata", "name") != "c" {
		t.Errorf("name-filtered watch saw %v", get(ev, "object", "metadata", "name"))
	}
	// Too old: an ERROR event with a 410 Status.
	for i := range 300 {
		ts.mustDo(201, "POST", "/api/v1/namespaces/default/configmaps", fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c%d"}}`, i))
	}
	old, stopOld := ts.watch("/api/v1/namespaces/default/pods?watch=true&resourceVersion=2")
	defer stopOld()
	ev = nextEvent(t, old)
	if ev["type"] != "ERROR" || get(ev, "object", "code") != 410.0 || get(ev, "object", "reason") != "Expired" {
		t.Errorf("too old: %v", ev)
	}
	// Bookmarks carry only a resourceVersion.
	_ = ev
}

func TestFilters(t *testing.T) {
	t.Run("panic becomes 500", func(t *testing.T) {
		h := apiserver.Chain(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }), apiserver.WithPanicRecovery(logr.Discard()))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
		if rec.Code != 500 || !strings.Contains(rec.Body.String(), "boom") {
			t.Errorf("%d %s", rec.Code, rec.Body.String())
		}
	})
	t.Run("no credentials is 401", func(t *testing.T) {
		ts := newTestServer(t, func(c *apiserver.Config) {
			c.Authenticator = authn.AuthenticatorFunc(func(*http.Request) (*authn.Response, bool, error) { return nil, false, nil })
		})
		r := ts.do("GET", "/api/v1/pods", "")
		if r.code != 401 || r.json(t)["reason"] != "Unauthorized" {
			t.Errorf("%d %s", r.code, r.body)
		}
	})
	t.Run("denied is 403 naming user, verb and resource", func(t *testing.T) {
		ts := newTestServer(t, func(c *apiserver.Config) {
			c.Authenticator = authn.AuthenticatorFunc(func(*http.Request) (*authn.Response, bool, error) {
				return &authn.Response{User: authn.User{Name: "alice"}}, true, nil
			})
			c.Authorizer = authz.AuthorizerFunc(func(_ context.Context, a authz.Attributes) (authz.Decision, string, error) {
				if a.Verb == "list" && a.Resource == "pods" {
					return authz.NoOpinion, "", nil
				}
				return authz.Allow, "", nil
			})
		})
		r := ts.do("GET", "/api/v1/namespaces/default/pods", "")
		want := `pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"`
		if r.code != 403 || !strings.Contains(string(r.body), want) {
			t.Errorf("%d %s", r.code, r.body)
		}
		if r := ts.do("GET", "/api/v1/namespaces/default/configmaps", ""); r.code != 200 {
			t.Errorf("allowed request: %d", r.code)
		}
	})
	t.Run("max in flight is 429 with Retry-After", func(t *testing.T) {
		block := make(chan struct{})
		inside := make(chan struct{}, 1)
		h := apiserver.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inside <- struct{}{}
			<-block
		}), apiserver.WithRequestInfo(), apiserver.WithMaxInFlight(1, 1, nil))
		go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/v1/pods", nil))
		<-inside
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/pods", nil))
		close(block)
		if rec.Code != 429 || rec.Header().Get("Retry-After") != "1" {
			t.Errorf("%d Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
	})
	t.Run("timeout is 504", func(t *testing.T) {
		h := apiserver.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}), apiserver.WithRequestInfo(), apiserver.WithTimeout(20*time.Millisecond))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/pods", nil))
		if rec.Code != 504 || !strings.Contains(rec.Body.String(), "Timeout") {
			t.Errorf("%d %s", rec.Code, rec.Body.String())
		}
	})
}

func TestInitializers(t *testing.T) {
	// The server's chain gets the plugin, reading configurations from the server's own store.
	ts := newTestServer(t, func(c *apiserver.Config) {
		c.Admission = admission.Chain{initialization.New(initialization.FromStore(c.Store, "/registry/initializerconfigurations/"))}
	})
	ts.mustDo(201, "POST", "/apis/admissionregistration.k8s.io/v1alpha1/initializerconfigurations", `{"apiVersion":"admissionregistration.k8s.io/v1alpha1","kind":"InitializerConfiguration",
		"metadata":{"name":"sidecars"},"initializers":[{"name":"sidecar.example.com","rules":[{"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"]}]}]}`)
	ch, stop := ts.watch("/api/v1/namespaces/default/pods?watch=true&resourceVersion=1")
	defer stop()

	p := ts.mustDo(202, "POST", "/api/v1/namespaces/default/pods?includeUninitialized=true", fmt.Sprintf(podJSON, "a", "a"))
	if get(p, "metadata", "initializers", "pending", 0, "name") != "sidecar.example.com" {
		t.Fatalf("pending initializers: %v", get(p, "metadata", "initializers"))
	}
	if r := ts.do("GET", "/api/v1/namespaces/default/pods/a", ""); r.code != 404 {
		t.Errorf("uninitialized pod visible to get: %d", r.code)
	}
	ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods/a?includeUninitialized=true", "")
	if items := ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods", "")["items"].([]any); len(items) != 0 {
		t.Errorf("uninitialized pod in a list: %d items", len(items))
	}
	if items := ts.mustDo(200, "GET", "/api/v1/namespaces/default/pods?includeUninitialized=true", "")["items"].([]any); len(items) != 1 {
		t.Errorf("includeUninitialized list: %d items", len(items))
	}
	// The initializer does its work (a label here) and removes itself.
	p["metadata"].(map[string]any)["initializers"] = nil
	p["metadata"].(map[string]any)["labels"] = map[string]any{"sidecar": "injected"}
	body, _ := json.Marshal(p)
	ts.mustDo(200, "PUT", "/api/v1/namespaces/default/pods/a?includeUninitialized=true", string(body))
	ev := nextEvent(t, ch)
	if ev["type"] != "ADDED" || get(ev, "object", "metadata", "name") != "a" || get(ev, "object", "metadata", "labels", "sidecar") != "injected" {
		t.Errorf("watchers must first see the initialized pod, ADDED: %v %v", ev["type"], get(ev, "object", "metadata"))
	}

	// A creator that does not ask for uninitialized objects waits for the initializers.
	done := make(chan response, 1)
	go func() { done <- ts.do("POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "b", "b")) }()
	var pb map[string]any
	for deadline := time.Now().Add(10 * time.Second); ; {
		r := ts.do("GET", "/api/v1/namespaces/default/pods/b?includeUninitialized=true", "")
		if r.code == 200 {
			pb = r.json(t)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("pod b never stored")
		}
		time.Sleep(5 * time.Millisecond)
	}
	pb["metadata"].(map[string]any)["initializers"] = map[string]any{"pending": []any{}}
	body, _ = json.Marshal(pb)
	ts.mustDo(200, "PUT", "/api/v1/namespaces/default/pods/b?includeUninitialized=true", string(body))
	if r := <-done; r.code != 201 || get(r.json(t), "metadata", "initializers") != nil && len(get(r.json(t), "metadata", "initializers", "pending").([]any)) != 0 {
		t.Errorf("waiting create: %d %s", r.code, r.body)
	}

	// An initializer that fails the object: it is deleted and the creator gets the failure.
	go func() { done <- ts.do("POST", "/api/v1/namespaces/default/pods", fmt.Sprintf(podJSON, "c", "c")) }()
	var pc map[string]any
	for deadline := time.Now().Add(10 * time.Second); ; {
		r := ts.do("GET", "/api/v1/namespaces/default/pods/c?includeUninitialized=true", "")
		if r.code == 200 {
			pc = r.json(t)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("pod c never stored")
		}
		time.Sleep(5 * time.Millisecond)
	}
	pc["metadata"].(map[string]any)["initializers"] = map[string]any{"pending": []any{map[string]any{"name": "sidecar.example.com"}},
		"result": map[string]any{"status": "Failure", "message": "sidecar refused the pod", "reason": "Forbidden", "code": 403}}
	body, _ = json.Marshal(pc)
	ts.mustDo(200, "PUT", "/api/v1/namespaces/default/pods/c?includeUninitialized=true", string(body))
	if r := <-done; r.code != 403 || !strings.Contains(string(r.body), "sidecar refused the pod") {
		t.Errorf("failed initialization: %d %s", r.code, r.body)
	}
	if r := ts.do("GET", "/api/v1/namespaces/default/pods/c?includeUninitialized=true", ""); r.code != 404 {
		t.Errorf("failed pod still stored: %d", r.code)
	}
}

func TestPatchAndApply(t *testing.T) {
	ts := newTestServer(t)
	dep := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
		"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.22"},{"name":"log","image":"busybox"}]}}}}`
	ts.mustDo(201, "POST", "/apis/apps/v1/namespaces/default/deployments?fieldManager=creator", dep)
	path := "/apis/apps/v1/namespaces/default/deployments/web"

	// Merge patch (kubectl label, scale).
	m := ts.mustDo(200, "PATCH", path, `{"metadata":{"labels":{"tier":"front"}}}`, "Content-Type", "application/merge-patch+json")
	if get(m, "metadata", "labels", "tier") != "front" {
		t.Errorf("merge patch: %v", m["metadata"])
	}
	// Strategic merge patch: containers merge by name (kubectl set image).
	sm := ts.mustDo(200, "PATCH", path, `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.23"}]}}}}`, "Content-Type", "application/strategic-merge-patch+json")
	if get(sm, "spec", "template", "spec", "containers", 0, "image") != "nginx:1.23" || get(sm, "spec", "template", "spec", "containers", 1, "name") != "log" || get(sm, "metadata", "generation") != 2.0 {
		t.Errorf("strategic merge patch: %v", get(sm, "spec", "template", "spec", "containers"))
	}
	// JSON patch; a failing test operation is 422.
	jp := ts.mustDo(200, "PATCH", path, `[{"op":"replace","path":"/spec/replicas","value":4}]`, "Content-Type", "application/json-patch+json")
	if get(jp, "spec", "replicas") != 4.0 {
		t.Errorf("json patch: %v", get(jp, "spec", "replicas"))
	}
	if r := ts.do("PATCH", path, `[{"op":"test","path":"/spec/replicas","value":9}]`, "Content-Type", "application/json-patch+json"); r.code != 422 {
		t.Errorf("failing json patch test: %d %s", r.code, r.body)
	}
	if r := ts.do("PATCH", path, `{"spec":`, "Content-Type", "application/merge-patch+json"); r.code != 400 {
		t.Errorf("malformed patch: %d %s", r.code, r.body)
	}
	if r := ts.do("PATCH", path, `{"spec":{"replicas":-1}}`, "Content-Type", "application/merge-patch+json"); r.code != 422 {
		t.Errorf("patch to an invalid object: %d %s", r.code, r.body)
	}
	if r := ts.do("PATCH", path, `{}`, "Content-Type", "text/plain"); r.code != 415 {
		t.Errorf("unknown patch type: %d", r.code)
	}
	if r := ts.do("PATCH", "/apis/apps/v1/namespaces/default/deployments/nope", `{}`, "Content-Type", "application/merge-patch+json"); r.code != 404 {
		t.Errorf("patch of a missing object: %d", r.code)
	}
	// The writes were recorded: who owns the replicas now.
	got := ts.mustDo(200, "GET", path, "")
	if mf := fmt.Sprint(get(got, "metadata", "managedFields")); !strings.Contains(mf, "creator") {
		t.Errorf("managedFields lack the creator: %s", mf)
	}

	// Server-side apply: creates when missing, owns what it applies, conflicts with other owners.
	cfg := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: applied
spec:
  replicas: 3
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      containers:
      - {name: c, image: "nginx:1.22"}
`
	apath := "/apis/apps/v1/namespaces/default/deployments/applied"
	created := ts.mustDo(201, "PATCH", apath+"?fieldManager=alice", cfg, "Content-Type", "application/apply-patch+yaml")
	if get(created, "metadata", "managedFields", 0, "manager") != "alice" || get(created, "metadata", "managedFields", 0, "operation") != "Apply" {
		t.Errorf("apply create: %v", get(created, "metadata", "managedFields"))
	}
	if r := ts.do("PATCH", apath, cfg, "Content-Type", "application/apply-patch+yaml"); r.code != 400 || !strings.Contains(string(r.body), "fieldManager") {
		t.Errorf("apply without a field manager: %d %s", r.code, r.body)
	}
	bob := strings.Replace(cfg, "replicas: 3", "replicas: 7", 1)
	r := ts.do("PATCH", apath+"?fieldManager=bob", bob, "Content-Type", "application/apply-patch+yaml")
	if r.code != 409 || !strings.Contains(string(r.body), `conflict with \"alice\"`) || !strings.Contains(string(r.body), ".spec.replicas") {
		t.Errorf("conflicting apply: %d %s", r.code, r.body)
	}
	forced := ts.mustDo(200, "PATCH", apath+"?fieldManager=bob&force=true", bob, "Content-Type", "application/apply-patch+yaml")
	if get(forced, "spec", "replicas") != 7.0 {
		t.Errorf("forced apply: replicas %v", get(forced, "spec", "replicas"))
	}
	// An ordinary update takes ownership too: alice's re-apply of another image conflicts with it.
	ts.mustDo(200, "PATCH", apath+"?fieldManager=kubectl-edit", `{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx:1.24"}]}}}}`, "Content-Type", "application/strategic-merge-patch+json")
	r = ts.do("PATCH", apath+"?fieldManager=alice", strings.Replace(cfg, "  replicas: 3\n", "", 1), "Content-Type", "application/apply-patch+yaml")
	if r.code != 409 || !strings.Contains(string(r.body), "kubectl-edit") {
		t.Errorf("apply after an edit: %d %s", r.code, r.body)
	}
}

// TestWatchSendsHeadersAtOnce: over a real connection, a watch answers before its first event, so
// that a client whose Watch call waits for the response can go on to make the change it watches for.
func TestWatchSendsHeadersAtOnce(t *testing.T) {
	ts := newTestServer(t)
	hs := httptest.NewServer(ts.srv.Handler())
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/api/v1/namespaces/default/pods?watch=true&resourceVersion=1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("watch did not answer before any event: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("watch answer: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

type memorySink struct {
	mu     sync.Mutex
	events []*audit.Event
}

func (m *memorySink) Record(_ context.Context, ev *audit.Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, ev)
}

func TestAuditAndImpersonation(t *testing.T) {
	sink := &memorySink{}
	ts := newTestServer(t, func(c *apiserver.Config) {
		c.Audit = sink
		c.AuditPolicy = &audit.Policy{Rules: []audit.Rule{{Level: audit.LevelRequestResponse, Verbs: []string{"create"}}, {Level: audit.LevelMetadata}}}
		c.Authenticator = authn.AuthenticatorFunc(func(r *http.Request) (*authn.Response, bool, error) {
			return &authn.Response{User: authn.User{Name: r.Header.Get("X-Test-User"), Groups: []string{"system:authenticated"}}, Method: "test"}, true, nil
		})
		c.Authorizer = authz.AuthorizerFunc(func(_ context.Context, a authz.Attributes) (authz.Decision, string, error) {
			switch {
			case a.Verb == "impersonate" && a.User.Name == "alice" && a.Resource == "users" && a.Name == "bob":
				return authz.Allow, "alice may be bob", nil
			case a.Verb == "impersonate":
				return authz.NoOpinion, "", nil
			case a.User.Name == "bob" && a.Verb == "create":
				return authz.Allow, "bob may create", nil
			case a.Verb == "create":
				return authz.NoOpinion, "", nil
			}
			return authz.Allow, "reads are fine", nil
		})
	})
	// alice may not create, but may act as bob, who may.
	if r := ts.do("POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`, "X-Test-User", "alice"); r.code != 403 {
		t.Errorf("alice creating: %d", r.code)
	}
	r := ts.do("POST", "/api/v1/namespaces/default/configmaps", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}`, "X-Test-User", "alice", "Impersonate-User", "bob")
	if r.code != 201 {
		t.Fatalf("alice as bob creating: %d %s", r.code, r.body)
	}
	if r := ts.do("GET", "/api/v1/namespaces", "", "X-Test-User", "alice", "Impersonate-User", "carol"); r.code != 403 || !strings.Contains(string(r.body), `cannot impersonate resource \"users\"`) {
		t.Errorf("alice as carol: %d %s", r.code, r.body)
	}
	if r := ts.do("GET", "/api/v1/namespaces", "", "X-Test-User", "alice", "Impersonate-Group", "admins"); r.code != 400 {
		t.Errorf("groups without a user: %d %s", r.code, r.body)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	var created *audit.Event
	for _, ev := range sink.events {
		if ev.Verb == "create" && ev.ResponseStatus.Code == 201 {
			created = ev
		}
	}
	if created == nil {
		t.Fatalf("no audit record of the create among %d", len(sink.events))
	}
	if created.User.Username != "alice" || created.ImpersonatedUser == nil || created.ImpersonatedUser.Username != "bob" {
		t.Errorf("users in the record: %+v %+v", created.User, created.ImpersonatedUser)
	}
	if created.Level != audit.LevelRequestResponse || !strings.Contains(string(created.RequestObject), `"name":"b"`) || !strings.Contains(string(created.ResponseObject), `"uid"`) {
		t.Errorf("request/response objects: level %s, %s / %s", created.Level, created.RequestObject, created.ResponseObject)
	}
	for _, k := range []string{"authorization.k8s.io/decision", "authorization.k8s.io/reason", "authentication.skiff.io/method", "persisted.skiff.io/resourceVersion"} {
		if created.Annotations[k] == "" {
			t.Errorf("annotation %s missing: %v", k, created.Annotations)
		}
	}
	if created.Annotations["authorization.k8s.io/reason"] != "bob may create" {
		t.Errorf("reason: %q", created.Annotations["authorization.k8s.io/reason"])
	}
	for _, st := range []string{"Authenticated", "Authorized", "Admitted", "Persisted"} {
		if created.StageTimestamps[st].IsZero() {
			t.Errorf("stage %s has no timestamp: %v", st, created.StageTimestamps)
		}
	}
	if created.StageTimestamps["Persisted"].Before(created.StageTimestamps["Authorized"].Time) || created.StageTimestamp.Before(created.RequestReceivedTimestamp.Time) {
		t.Errorf("stages out of order: %v", created.StageTimestamps)
	}
}
