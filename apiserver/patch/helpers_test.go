package patch

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"sigs.k8s.io/yaml"
)

// canonical re-encodes JSON so that expectations can be written in any key order and spacing.
func canonical(t testing.TB, s string) string {
	t.Helper()
	v, err := parseJSON([]byte(s))
	if err != nil {
		t.Fatalf("test JSON does not parse: %v\n%s", err, s)
	}
	return string(encodeJSON(v))
}

func mustSchema(t testing.TB, typ reflect.Type) *Schema {
	t.Helper()
	s, err := SchemaFor(typ)
	if err != nil {
		t.Fatalf("SchemaFor(%v): %v", typ, err)
	}
	return s
}

func podSchema(t testing.TB) *Schema        { return mustSchema(t, reflect.TypeFor[core.Pod]()) }
func deploymentSchema(t testing.TB) *Schema { return mustSchema(t, reflect.TypeFor[apps.Deployment]()) }
func nodeSchema(t testing.TB) *Schema       { return mustSchema(t, reflect.TypeFor[core.Node]()) }

// checkErr reports whether err matches the expectation: nil when wantErr is nil, otherwise an
// error wrapping wantErr whose text contains wantMsg.
func checkErr(t *testing.T, err, wantErr error, wantMsg string) bool {
	t.Helper()
	if wantErr == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return false
	}
	if err == nil {
		t.Fatalf("got no error, want one wrapping %v", wantErr)
	}
	if !errors.Is(err, wantErr) {
		t.Fatalf("error %q does not wrap %v", err, wantErr)
	}
	if !strings.Contains(err.Error(), wantMsg) {
		t.Fatalf("error %q does not say %q", err, wantMsg)
	}
	return true
}

// fromYAML converts a YAML test document to canonical JSON, so that tables read like Kubernetes
// manifests.
func fromYAML(t testing.TB, y string) string {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(y))
	if err != nil {
		t.Fatalf("test YAML does not parse: %v\n%s", err, y)
	}
	return canonical(t, string(j))
}

func yamlUnmarshal(y []byte, v any) error { return yaml.Unmarshal(y, v) }

// splitDotted splits "spec.containers[0].image" into "spec", "containers", 0, "image".
func splitDotted(path string) []any {
	var out []any
	for _, part := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			out = append(out, name)
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			n, _ := strconv.Atoi(idx)
			out = append(out, n)
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return out
}

// setDotted sets the value at path in v, creating objects on the way.
func setDotted(t *testing.T, v any, path []any, val any) any {
	t.Helper()
	if len(path) == 0 {
		return val
	}
	switch step := path[0].(type) {
	case string:
		m, ok := v.(map[string]any)
		if !ok {
			m = map[string]any{}
		}
		m[step] = setDotted(t, m[step], path[1:], val)
		return m
	case int:
		l, ok := v.([]any)
		if !ok || step >= len(l) {
			t.Fatalf("no list item %d in %v", step, v)
		}
		l[step] = setDotted(t, l[step], path[1:], val)
		return l
	}
	return v
}
