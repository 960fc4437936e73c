package openapi

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

// docs holds a builder's documents decoded as JSON.
type docs struct {
	v2        map[string]any
	discovery map[string]any
	v3        map[string]map[string]any // by API version ("apps/v1", "v1")
}

func buildDocs(t *testing.T, reg *api.Registry) docs {
	t.Helper()
	b := New(reg, Info{})
	var d docs
	raw, err := b.V2()
	if err != nil {
		t.Fatal(err)
	}
	d.v2 = decode(t, raw)
	raw, err = b.V3Discovery()
	if err != nil {
		t.Fatal(err)
	}
	d.discovery = decode(t, raw)
	gvs, err := b.GroupVersions()
	if err != nil {
		t.Fatal(err)
	}
	d.v3 = make(map[string]map[string]any)
	for _, gv := range gvs {
		raw, _, err := b.V3(gv)
		if err != nil {
			t.Fatal(err)
		}
		d.v3[gv] = decode(t, raw)
	}
	return d
}

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %v", err)
	}
	return m
}

// get walks a decoded JSON value by keys.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }

func TestDocumentsHeaders(t *testing.T) {
	reg := testRegistry(t)
	d := buildDocs(t, reg)
	if got := get(d.v2, "swagger"); got != "2.0" {
		t.Errorf("v2 swagger = %v, want 2.0", got)
	}
	if got := get(d.v2, "info", "title"); got != "skiff" {
		t.Errorf("v2 info.title = %v, want the default skiff", got)
	}
	for gv, doc := range d.v3 {
		if got := get(doc, "openapi"); got != "3.0.0" {
			t.Errorf("%s: openapi = %v, want 3.0.0", gv, got)
		}
	}
	var want []string
	for _, k := range reg.Kinds() {
		if key := discoveryPath(k.Group, k.Version); !slices.Contains(want, key) {
			want = append(want, key)
		}
	}
	sort.Strings(want)
	for _, key := range []string{"api/v1", "apis/apps/v1", "apis/example.com/v1"} {
		if !slices.Contains(want, key) {
			t.Fatalf("the test registry has no %s", key)
		}
	}
	var got []string
	for k := range obj(get(d.discovery, "paths")) {
		got = append(got, k)
	}
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("discovery paths (-want +got):\n%s", diff)
	}
}

func TestDiscoveryHashesAreTheDocumentHashes(t *testing.T) {
	b := New(testRegistry(t), Info{})
	raw, err := b.V3Discovery()
	if err != nil {
		t.Fatal(err)
	}
	paths := obj(decode(t, raw)["paths"])
	for _, gv := range []string{"v1", "apps/v1", "example.com/v1"} {
		doc, hash, err := b.V3(gv)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha512.Sum512(doc)
		if want := strings.ToUpper(hex.EncodeToString(sum[:])); hash != want {
			t.Errorf("V3(%s) hash = %s, want the SHA-512 of the document %s", gv, hash, want)
		}
		key := "apis/" + gv
		if gv == "v1" {
			key = "api/v1"
		}
		if got, want := get(paths, key, "serverRelativeURL"), "/openapi/v3/"+key+"?hash="+hash; got != want {
			t.Errorf("serverRelativeURL of %s = %v, want %s", key, got, want)
		}
	}
}

func TestDocumentsAreStable(t *testing.T) {
	a, b := New(testRegistry(t), Info{}), New(testRegistry(t), Info{})
	for name, f := range map[string]func(*Builder) ([]byte, error){
		"V2":          (*Builder).V2,
		"V2Proto":     (*Builder).V2Proto,
		"V3Discovery": (*Builder).V3Discovery,
		"V3(apps/v1)": func(b *Builder) ([]byte, error) { d, _, err := b.V3("apps/v1"); return d, err },
	} {
		da, err := f(a)
		if err != nil {
			t.Fatal(err)
		}
		db, err := f(b)
		if err != nil {
			t.Fatal(err)
		}
		if string(da) != string(db) {
			t.Errorf("%s differs between two builders of the same kinds", name)
		}
	}
}

func TestUnknownGroupVersion(t *testing.T) {
	_, _, err := New(api.Builtin(), Info{}).V3("nope.example.com/v1")
	if !errors.Is(err, ErrUnknownGroupVersion) {
		t.Errorf("V3 of an unknown group version: err = %v, want ErrUnknownGroupVersion", err)
	}
}

// TestEveryKindHasADefinition checks that each kind, and its list, is a definition marked with its
// group, version and kind, in v2 and in its group version's v3 document.
func TestEveryKindHasADefinition(t *testing.T) {
	reg := testRegistry(t)
	d := buildDocs(t, reg)
	for _, k := range reg.Kinds() {
		v3 := d.v3[k.APIVersion()]
		if v3 == nil {
			t.Errorf("%s: no v3 document", k.GroupVersionKind)
			continue
		}
		for _, kind := range []string{k.Kind, k.Kind + "List"} {
			gvk := map[string]any{"group": k.Group, "version": k.Version, "kind": kind}
			if n := definitionsWith(obj(get(d.v2, "definitions")), gvk); len(n) != 1 {
				t.Errorf("v2: %d definitions with x-kubernetes-group-version-kind %v (%v), want 1", len(n), gvk, n)
			}
			if n := definitionsWith(obj(get(v3, "components", "schemas")), gvk); len(n) != 1 {
				t.Errorf("v3 %s: %d schemas with x-kubernetes-group-version-kind %v (%v), want 1", k.APIVersion(), len(n), gvk, n)
			}
		}
	}
	// Kubernetes' names for Kubernetes' kinds.
	for _, name := range []string{"io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.DeploymentList", "io.k8s.api.core.v1.Pod",
		"io.k8s.api.rbac.v1.ClusterRole", "io.k8s.api.coordination.v1.Lease", "io.k8s.api.autoscaling.v1.Scale",
		"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
		"io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
		"io.k8s.apimachinery.pkg.api.resource.Quantity", "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
		"io.k8s.apimachinery.pkg.runtime.RawExtension", widgetDef, widgetDef + "List"} {
		if get(d.v2, "definitions", name) == nil {
			t.Errorf("v2 has no definition %s", name)
		}
	}
}

func definitionsWith(defs map[string]any, gvk map[string]any) []string {
	var names []string
	for name, def := range defs {
		list, _ := get(def, gvkExtension).([]any)
		for _, g := range list {
			if reflect.DeepEqual(g, gvk) {
				names = append(names, name)
			}
		}
	}
	return names
}

// TestRefsResolve checks that every $ref of a document names one of its own definitions.
func TestRefsResolve(t *testing.T) {
	d := buildDocs(t, testRegistry(t))
	check := func(doc map[string]any, prefix string, defs map[string]any, where string) {
		walk(doc, func(m map[string]any) {
			ref, ok := m["$ref"].(string)
			if !ok {
				return
			}
			if !strings.HasPrefix(ref, prefix) || defs[strings.TrimPrefix(ref, prefix)] == nil {
				t.Errorf("%s: $ref %s does not resolve", where, ref)
			}
			if len(m) > 1 && prefix == "#/components/schemas/" {
				t.Errorf("%s: $ref %s has siblings %v, which OpenAPI v3 ignores", where, ref, m)
			}
		})
	}
	check(d.v2, "#/definitions/", obj(d.v2["definitions"]), "v2")
	for gv, doc := range d.v3 {
		check(doc, "#/components/schemas/", obj(get(doc, "components", "schemas")), "v3 "+gv)
	}
}

func walk(v any, f func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(v)
		for _, e := range v {
			walk(e, f)
		}
	case []any:
		for _, e := range v {
			walk(e, f)
		}
	}
}

// op is what the tests check of an operation.
type op struct {
	path, method, id, action string
}

// operations lists a document's operations whose x-kubernetes-group-version-kind is kind, or that
// have no kind when kind is "".
func operations(doc map[string]any, group, version, kind string) []op {
	var out []op
	for path, item := range obj(doc["paths"]) {
		for method, o := range obj(item) {
			if method == "parameters" {
				continue
			}
			gvk := obj(get(o, gvkExtension))
			if kind != "" && (gvk == nil || gvk["group"] != group || gvk["version"] != version || gvk["kind"] != kind) {
				continue
			}
			out = append(out, op{path, method, get(o, "operationId").(string), get(o, "x-kubernetes-action").(string)})
		}
	}
	slices.SortFunc(out, func(a, b op) int { return strings.Compare(a.id, b.id) })
	return out
}

func TestPaths(t *testing.T) {
	d := buildDocs(t, testRegistry(t))
	for _, tc := range []struct {
		group, version, kind string
		want                 []op
	}{
		{"apps", "v1", "Deployment", []op{
			{"/apis/apps/v1/namespaces/{namespace}/deployments", "post", "createAppsV1NamespacedDeployment", "post"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments", "delete", "deleteAppsV1CollectionNamespacedDeployment", "deletecollection"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "delete", "deleteAppsV1NamespacedDeployment", "delete"},
			{"/apis/apps/v1/deployments", "get", "listAppsV1DeploymentForAllNamespaces", "list"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments", "get", "listAppsV1NamespacedDeployment", "list"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch", "patchAppsV1NamespacedDeployment", "patch"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status", "patch", "patchAppsV1NamespacedDeploymentStatus", "patch"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "get", "readAppsV1NamespacedDeployment", "get"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status", "get", "readAppsV1NamespacedDeploymentStatus", "get"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "put", "replaceAppsV1NamespacedDeployment", "put"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status", "put", "replaceAppsV1NamespacedDeploymentStatus", "put"},
			{"/apis/apps/v1/watch/deployments", "get", "watchAppsV1DeploymentListForAllNamespaces", "watchlist"},
			{"/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}", "get", "watchAppsV1NamespacedDeployment", "watch"},
			{"/apis/apps/v1/watch/namespaces/{namespace}/deployments", "get", "watchAppsV1NamespacedDeploymentList", "watchlist"},
		}},
		{"autoscaling", "v1", "Scale", []op{
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "patch", "patchAppsV1NamespacedDeploymentScale", "patch"},
			{"/apis/apps/v1/namespaces/{namespace}/replicasets/{name}/scale", "patch", "patchAppsV1NamespacedReplicaSetScale", "patch"},
			{"/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale", "patch", "patchExampleComV1NamespacedWidgetScale", "patch"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "get", "readAppsV1NamespacedDeploymentScale", "get"},
			{"/apis/apps/v1/namespaces/{namespace}/replicasets/{name}/scale", "get", "readAppsV1NamespacedReplicaSetScale", "get"},
			{"/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale", "get", "readExampleComV1NamespacedWidgetScale", "get"},
			{"/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "put", "replaceAppsV1NamespacedDeploymentScale", "put"},
			{"/apis/apps/v1/namespaces/{namespace}/replicasets/{name}/scale", "put", "replaceAppsV1NamespacedReplicaSetScale", "put"},
			{"/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/scale", "put", "replaceExampleComV1NamespacedWidgetScale", "put"},
		}},
		{"rbac.authorization.k8s.io", "v1", "ClusterRole", []op{
			{"/apis/rbac.authorization.k8s.io/v1/clusterroles", "post", "createRbacAuthorizationV1ClusterRole", "post"},
			{"/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}", "delete", "deleteRbacAuthorizationV1ClusterRole", "delete"},
			{"/apis/rbac.authorization.k8s.io/v1/clusterroles", "delete", "deleteRbacAuthorizationV1CollectionClusterRole", "deletecollection"},
			{"/apis/rbac.authorization.k8s.io/v1/clusterroles", "get", "listRbacAuthorizationV1ClusterRole", "list"},
			{"/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}", "patch", "patchRbacAuthorizationV1ClusterRole", "patch"},
			{"/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}", "get", "readRbacAuthorizationV1ClusterRole", "get"},
			{"/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}", "put", "replaceRbacAuthorizationV1ClusterRole", "put"},
			{"/apis/rbac.authorization.k8s.io/v1/watch/clusterroles/{name}", "get", "watchRbacAuthorizationV1ClusterRole", "watch"},
			{"/apis/rbac.authorization.k8s.io/v1/watch/clusterroles", "get", "watchRbacAuthorizationV1ClusterRoleList", "watchlist"},
		}},
		{"", "v1", "Binding", []op{ // only posted, as kube-apiserver serves it
			{"/api/v1/namespaces/{namespace}/bindings", "post", "createCoreV1NamespacedBinding", "post"},
			{"/api/v1/namespaces/{namespace}/pods/{name}/binding", "post", "createCoreV1NamespacedPodBinding", "post"},
		}},
		{"", "v1", "", []op{ // the operations of no kind
			{"/api/v1/namespaces/{namespace}/pods/{name}/log", "get", "readCoreV1NamespacedPodLog", "get"},
		}},
	} {
		var got []op
		for _, o := range operations(d.v2, tc.group, tc.version, tc.kind) {
			if tc.kind != "" || get(d.v2, "paths", o.path, o.method, gvkExtension) == nil {
				got = append(got, o)
			}
		}
		if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(op{})); diff != "" {
			t.Errorf("v2 operations of %s/%s %s (-want +got):\n%s", tc.group, tc.version, tc.kind, diff)
		}
	}
	// The v3 document of a group version holds the same operations as v2 does for it.
	for gv, doc := range d.v3 {
		prefix := "/apis/" + gv + "/"
		if gv == "v1" {
			prefix = "/api/v1/"
		}
		var want []op
		for _, o := range operations(d.v2, "", "", "") {
			if strings.HasPrefix(o.path, prefix) {
				want = append(want, o)
			}
		}
		if diff := cmp.Diff(want, operations(doc, "", "", ""), cmp.AllowUnexported(op{})); diff != "" {
			t.Errorf("v3 %s operations differ from v2 (-v2 +v3):\n%s", gv, diff)
		}
	}
}

// TestEveryVerbOfEveryKind checks that each kind has the operations of each verb it serves, and
// that every operation id is unique.
func TestEveryVerbOfEveryKind(t *testing.T) {
	reg := testRegistry(t)
	d := buildDocs(t, reg)
	ids := map[string]bool{}
	for _, o := range operations(d.v2, "", "", "") {
		if ids[o.id] {
			t.Errorf("operation id %s is used twice", o.id)
		}
		ids[o.id] = true
	}
	actions := map[string]string{"get": "get", "list": "list", "create": "post", "update": "put", "patch": "patch",
		"delete": "delete", "deletecollection": "deletecollection", "watch": "watch"}
	for _, k := range reg.Kinds() {
		got := map[string]bool{}
		for _, o := range operations(d.v2, k.Group, k.Version, k.Kind) {
			if !strings.Contains(o.path, "/{name}/") { // not a subresource
				got[o.action] = true
			}
		}
		verbs := k.Verbs // a create-only kind (the reviews) lists its own
		if len(verbs) == 0 {
			verbs = allVerbs
		}
		for _, verb := range verbs {
			if !got[actions[verb]] {
				t.Errorf("%s: no %s operation (%s)", k.GroupVersionKind, verb, actions[verb])
			}
		}
	}
}

// TestParameters checks the query parameters kubectl and clients rely on, in v2 and v3.
func TestParameters(t *testing.T) {
	d := buildDocs(t, testRegistry(t))
	want := map[string][]string{
		"post":     {"dryRun", "fieldManager", "fieldValidation"},
		"put":      {"dryRun", "fieldManager", "fieldValidation"},
		"patch":    {"dryRun", "fieldManager", "fieldValidation", "force"},
		"list":     {"labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "resourceVersionMatch", "watch", "timeoutSeconds", "allowWatchBookmarks"},
		"delete":   {"dryRun", "gracePeriodSeconds", "propagationPolicy"},
		"watch":    {"labelSelector", "fieldSelector", "resourceVersion", "timeoutSeconds", "allowWatchBookmarks"},
		"pathItem": {"pretty"},
	}
	docs := map[string]map[string]any{"v2": d.v2}
	for gv, doc := range d.v3 {
		docs["v3 "+gv] = doc
	}
	for name, doc := range docs {
		for path, item := range obj(doc["paths"]) {
			for _, p := range want["pathItem"] {
				if !hasParam(get(item, "parameters"), p, "query") {
					t.Errorf("%s %s: no %s parameter", name, path, p)
				}
			}
			for method, o := range obj(item) {
				if method == "parameters" {
					continue
				}
				var key string
				switch action := get(o, "x-kubernetes-action"); {
				case action == "list":
					key = "list"
				case action == "watch" || action == "watchlist":
					key = "watch"
				case action == "deletecollection":
					key = "delete"
				case method == "get": // read, log
					continue
				default:
					key = method
				}
				for _, p := range want[key] {
					if !hasParam(get(o, "parameters"), p, "query") {
						t.Errorf("%s %s %s (%s): no %s query parameter", name, method, path, get(o, "operationId"), p)
					}
				}
				if method == "patch" {
					checkPatchBody(t, name, path, o)
				}
			}
		}
	}
}

func hasParam(params any, name, in string) bool {
	list, _ := params.([]any)
	for _, p := range list {
		if get(p, "name") == name && get(p, "in") == in {
			return true
		}
	}
	return false
}

func checkPatchBody(t *testing.T, doc, path string, o any) {
	patchTypes := []any{"application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"}
	if strings.HasPrefix(doc, "v2") {
		if diff := cmp.Diff(patchTypes, get(o, "consumes")); diff != "" {
			t.Errorf("%s PATCH %s consumes (-want +got):\n%s", doc, path, diff)
		}
		return
	}
	var got []any
	for ct, media := range obj(get(o, "requestBody", "content")) {
		got = append(got, ct)
		if get(media, "schema", "$ref") != "#/components/schemas/"+patchDef {
			t.Errorf("%s PATCH %s %s body is %v, want a Patch", doc, path, ct, get(media, "schema"))
		}
	}
	slices.SortFunc(got, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
	if diff := cmp.Diff(patchTypes, got); diff != "" {
		t.Errorf("%s PATCH %s request body content types (-want +got):\n%s", doc, path, diff)
	}
}

// TestSchemas checks the schemas of the fields whose JSON form reflection cannot see, and the
// rules of encoding/json the schemas follow, in both versions.
func TestSchemas(t *testing.T) {
	d := buildDocs(t, testRegistry(t))
	v3 := d.v3["example.com/v1"]
	// v3 is nil where OpenAPI v3 spells the schema as v2 does, but for its references.
	const spec = widgetDef + "Spec"
	for _, tc := range []struct {
		name   string
		v2, v3 any // the schema at path, nil to skip a version
		path   []string
	}{
		{"Time", map[string]any{"type": "string", "format": "date-time", "description": typeDescription("io.k8s.apimachinery.pkg.apis.meta.v1.Time")}, nil,
			[]string{"io.k8s.apimachinery.pkg.apis.meta.v1.Time"}},
		{"IntOrString v2",
			map[string]any{"type": "string", "format": "int-or-string", "description": typeDescription("io.k8s.apimachinery.pkg.util.intstr.IntOrString")},
			map[string]any{"format": "int-or-string", "oneOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "string"}},
				"x-kubernetes-int-or-string": true, "description": typeDescription("io.k8s.apimachinery.pkg.util.intstr.IntOrString")},
			[]string{"io.k8s.apimachinery.pkg.util.intstr.IntOrString"}},
		{"Quantity", map[string]any{"type": "string", "description": quantityDescription},
			map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}, "description": quantityDescription},
			[]string{"io.k8s.apimachinery.pkg.api.resource.Quantity"}},
		{"MicroTime field", map[string]any{"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"}, nil,
			[]string{"io.k8s.api.coordination.v1.LeaseSpec", "properties", "renewTime"}},
		{"map of byte strings",
			map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string", "format": "byte"}}, nil,
			[]string{"io.k8s.api.core.v1.Secret", "properties", "data"}},
		{"FieldsV1", map[string]any{"type": "object", "description": typeDescription("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1")},
			map[string]any{"type": "object", "description": typeDescription("io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1")},
			[]string{"io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"}},
		{"required fields", []any{"selector", "template"}, []any{"selector", "template"},
			[]string{"io.k8s.api.apps.v1.DeploymentSpec", "required"}},
		{"kind required", []any{"spec"}, []any{"spec"}, []string{widgetDef, "required"}},
		{"spec required fields and inlined fields", []any{"size", "owner"}, []any{"size", "owner"}, []string{spec, "required"}},
		{"int32", map[string]any{"type": "integer", "format": "int32"}, nil,
			[]string{spec, "properties", "size"}},
		{"pointer", map[string]any{"type": "string"}, map[string]any{"type": "string"}, []string{spec, "properties", "color"}},
		{"merge by key",
			map[string]any{"type": "array", "items": map[string]any{"$ref": "#/definitions/" + widgetDef + "Part"},
				"x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name",
				"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"name"}},
			map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/" + widgetDef + "Part"},
				"x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name",
				"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"name"}},
			[]string{spec, "properties", "parts"}},
		{"merged scalars are a set",
			map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "x-kubernetes-patch-strategy": "merge", "x-kubernetes-list-type": "set"}, nil,
			[]string{spec, "properties", "tags"}},
		{"explicit list type",
			map[string]any{"type": "array", "items": map[string]any{"$ref": "#/definitions/io.k8s.api.core.v1.ContainerPort"},
				"x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "containerPort",
				"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": []any{"containerPort", "protocol"}}, nil,
			[]string{spec, "properties", "ports"}},
		{"atomic map", map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}, "x-kubernetes-map-type": "atomic"}, nil,
			[]string{spec, "properties", "labels"}},
		{"string default", map[string]any{"type": "string", "default": "Fast"}, nil, []string{spec, "properties", "mode"}},
		{"integer default", map[string]any{"type": "integer", "format": "int32", "default": float64(3)}, nil, []string{spec, "properties", "retries"}},
		{"atomic structs", map[string]any{"type": "array", "items": map[string]any{"$ref": "#/definitions/io.k8s.api.core.v1.ObjectReference", "x-kubernetes-map-type": "atomic"}},
			map[string]any{"type": "array", "items": map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/io.k8s.api.core.v1.ObjectReference"}}, "x-kubernetes-map-type": "atomic"}},
			[]string{spec, "properties", "owners"}},
		{"atomic struct", map[string]any{"$ref": "#/definitions/io.k8s.api.core.v1.ObjectReference", "x-kubernetes-map-type": "atomic"},
			map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/io.k8s.api.core.v1.ObjectReference"}}, "x-kubernetes-map-type": "atomic"},
			[]string{spec, "properties", "reference"}},
		{"map of quantities",
			map[string]any{"type": "object", "additionalProperties": map[string]any{"$ref": "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity"}},
			map[string]any{"type": "object", "additionalProperties": map[string]any{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity"}},
			[]string{spec, "properties", "limits"}},
		{"IntOrString field", map[string]any{"$ref": "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString"}, nil,
			[]string{spec, "properties", "maxUnavailable"}},
		{"raw JSON", map[string]any{}, map[string]any{"x-kubernetes-preserve-unknown-fields": true}, []string{spec, "properties", "config"}},
		{"interface", map[string]any{}, map[string]any{"x-kubernetes-preserve-unknown-fields": true}, []string{spec, "properties", "extra"}},
		{",string", map[string]any{"type": "string"}, nil, []string{spec, "properties", "count"}},
		{"bytes", map[string]any{"type": "string", "format": "byte"}, nil, []string{spec, "properties", "secret"}},
		{"Time field", map[string]any{"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time"},
			map[string]any{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time"}, []string{spec, "properties", "deadline"}},
		{"float64", map[string]any{"type": "number", "format": "double"}, nil, []string{spec, "properties", "ratio"}},
		{"bool", map[string]any{"type": "boolean"}, nil, []string{spec, "properties", "enabled"}},
		{"anonymous struct inline", map[string]any{"type": "object", "required": []any{"start"},
			"properties": map[string]any{"start": map[string]any{"type": "string"}, "end": map[string]any{"type": "string"}}}, nil,
			[]string{spec, "properties", "window"}},
		{"recursion", map[string]any{"$ref": "#/definitions/" + spec}, nil, []string{spec, "properties", "next"}},
		{"embedded by pointer", map[string]any{"type": "string"}, nil, []string{spec, "properties", "note"}},
		{"json:\"-\"", nil, nil, []string{spec, "properties", "Internal"}},
		{"unexported", nil, nil, []string{spec, "properties", "hidden"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.v2, get(d.v2, append([]string{"definitions"}, tc.path...)...)); diff != "" {
				t.Errorf("v2 %v (-want +got):\n%s", tc.path, diff)
			}
			if tc.v3 == nil {
				return // spelt as in v2 but for references, which TestRefsResolve checks
			}
			want := tc.v3
			doc := v3
			for _, gvDoc := range d.v3 { // a definition is the same in every document that holds it
				if get(gvDoc, "components", "schemas", tc.path[0]) != nil {
					doc = gvDoc
				}
			}
			if diff := cmp.Diff(want, get(doc, append([]string{"components", "schemas"}, tc.path...)...)); diff != "" {
				t.Errorf("v3 %v (-want +got):\n%s", tc.path, diff)
			}
		})
	}
}

func typeDescription(def string) string {
	s := specialSchema(map[string]reflect.Type{
		"io.k8s.apimachinery.pkg.apis.meta.v1.Time":       timeType,
		"io.k8s.apimachinery.pkg.util.intstr.IntOrString": intOrStringType,
		"io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1":   fieldsV1Type,
	}[def])
	return s.description
}

func fieldDescription(key string) string { return apiDocs[key] }

func TestNameConflict(t *testing.T) {
	reg := api.NewRegistry()
	if err := api.Register(reg, api.KindSpec[*Gadget]{Group: "example.com", Version: "v1", Kind: "Gadget"}); err != nil {
		t.Fatal(err)
	}
	if err := api.Register(reg, api.KindSpec[*GadgetList]{Group: "example.com", Version: "v1", Kind: "GadgetList"}); err != nil {
		t.Fatal(err)
	}
	_, err := New(reg, Info{}).V2()
	if err == nil || !strings.Contains(err.Error(), "GadgetList") {
		t.Errorf("V2 with two definitions named GadgetList: err = %v, want an error naming it", err)
	}
}

// Gadget's list and the kind GadgetList would share a definition name.
type Gadget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
}

func (g *Gadget) DeepCopyObject() meta.Object { c := *g; return &c }

type GadgetList struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
}

func (g *GadgetList) DeepCopyObject() meta.Object { c := *g; return &c }

// TestV3References checks that v3 spells every reference of v2 the same way but for its prefix, and
// wraps a reference with siblings (a description, extensions) in an allOf, which kubectl reads.
func TestV3References(t *testing.T) {
	d := buildDocs(t, testRegistry(t))
	defs2 := obj(d.v2["definitions"])
	wrapped := 0
	for gv, doc := range d.v3 {
		for name, def3 := range obj(get(doc, "components", "schemas")) {
			for prop, s3 := range obj(get(def3, "properties")) {
				s2 := obj(get(defs2, name, "properties", prop))
				ref, ok := s2["$ref"].(string)
				if !ok {
					continue
				}
				want := map[string]any{}
				for k, v := range s2 {
					want[k] = v
				}
				delete(want, "$ref")
				ref3 := map[string]any{"$ref": "#/components/schemas/" + strings.TrimPrefix(ref, "#/definitions/")}
				if len(want) == 0 {
					want = ref3
				} else {
					want["allOf"] = []any{ref3}
					wrapped++
				}
				if diff := cmp.Diff(want, s3); diff != "" {
					t.Errorf("v3 %s: %s.%s (-want +got):\n%s", gv, name, prop, diff)
				}
			}
		}
	}
	if wrapped == 0 {
		t.Error("no reference with a description or extensions: the test tests nothing")
	}
}
