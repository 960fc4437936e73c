package patch

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
)

func TestSchemaForEveryBuiltinKind(t *testing.T) {
	reg := api.Builtin()
	for _, k := range reg.Kinds() {
		t.Run(k.Kind, func(t *testing.T) {
			s, err := SchemaFor(k.Type)
			if err != nil {
				t.Fatal(err)
			}
			if s.Type() != k.Type {
				t.Errorf("Type() = %v, want %v", s.Type(), k.Type)
			}
			again, _ := SchemaFor(reflect.PointerTo(k.Type))
			if again != s {
				t.Errorf("SchemaFor(*%v) is not the cached schema of %v", k.Type, k.Type)
			}
		})
	}
}

// describe summarises the place at a path of field names ("" for list items and map values).
func describe(f *field) string {
	if f == nil {
		return "unknown"
	}
	var parts []string
	switch f.kind() {
	case kindStruct:
		parts = append(parts, "struct")
	case kindMap:
		parts = append(parts, "map")
	case kindList:
		parts = append(parts, "list", []string{"atomic", "set", "map"}[f.listType])
		if len(f.listKeys) > 0 {
			parts = append(parts, "keys="+strings.Join(f.listKeys, ","))
		}
	case kindScalar:
		parts = append(parts, "scalar")
	case kindAny:
		parts = append(parts, "any")
	}
	if f.merge {
		parts = append(parts, "merge")
	}
	if f.mergeKey != "" {
		parts = append(parts, "mergeKey="+f.mergeKey)
	}
	if f.retainKeys {
		parts = append(parts, "retainKeys")
	}
	if f.atomic && f.kind() != kindList {
		parts = append(parts, "atomic")
	}
	return strings.Join(parts, " ")
}

func placeAt(f *field, path ...string) *field {
	for _, p := range path {
		if p == "" {
			f = f.item
			continue
		}
		f = f.lookup(p)
	}
	return f
}

func TestSchemaFollowsKubernetesTags(t *testing.T) {
	pod := podSchema(t).place
	deploy := deploymentSchema(t).place
	tests := []struct {
		root *field
		path []string
		want string
	}{
		{pod, []string{"spec", "containers"}, "list map keys=name merge mergeKey=name"},
		{pod, []string{"spec", "initContainers"}, "list map keys=name merge mergeKey=name"},
		{pod, []string{"spec", "ephemeralContainers"}, "list map keys=name merge mergeKey=name"},
		{pod, []string{"spec", "volumes"}, "list map keys=name merge mergeKey=name retainKeys"},
		{pod, []string{"spec", "containers", "", "ports"}, "list map keys=containerPort,protocol merge mergeKey=containerPort"},
		{pod, []string{"spec", "containers", "", "env"}, "list map keys=name merge mergeKey=name"},
		{pod, []string{"spec", "containers", "", "envFrom"}, "list atomic"},
		{pod, []string{"spec", "containers", "", "volumeMounts"}, "list map keys=mountPath merge mergeKey=mountPath"},
		{pod, []string{"spec", "containers", "", "volumeDevices"}, "list map keys=devicePath merge mergeKey=devicePath"},
		{pod, []string{"spec", "containers", "", "args"}, "list atomic"},
		{pod, []string{"spec", "containers", "", "resources", "limits"}, "map"},
		{pod, []string{"spec", "containers", "", "resources", "limits", ""}, "scalar"},
		{pod, []string{"spec", "containers", "", "resources", "claims"}, "list map keys=name"},
		{pod, []string{"spec", "containers", "", "livenessProbe", "httpGet"}, "struct"},
		{pod, []string{"spec", "containers", "", "livenessProbe", "httpGet", "port"}, "scalar"},
		{pod, []string{"spec", "containers", "", "env", "", "valueFrom", "secretKeyRef"}, "struct atomic"},
		{pod, []string{"spec", "ephemeralContainers", "", "targetContainerName"}, "scalar"},
		{pod, []string{"spec", "ephemeralContainers", "", "ports"}, "list map keys=containerPort,protocol merge mergeKey=containerPort"},
		{pod, []string{"spec", "tolerations"}, "list atomic"},
		{pod, []string{"spec", "imagePullSecrets"}, "list map keys=name merge mergeKey=name"},
		{pod, []string{"spec", "imagePullSecrets", ""}, "struct atomic"},
		{pod, []string{"spec", "hostAliases"}, "list map keys=ip merge mergeKey=ip"},
		{pod, []string{"spec", "topologySpreadConstraints"}, "list map keys=topologyKey,whenUnsatisfiable merge mergeKey=topologyKey"},
		{pod, []string{"spec", "nodeSelector"}, "map atomic"},
		{pod, []string{"spec", "volumes", "", "emptyDir", "sizeLimit"}, "scalar"},
		{pod, []string{"spec", "volumes", "", "configMap", "name"}, "scalar"},
		{pod, []string{"status", "conditions"}, "list map keys=type merge mergeKey=type"},
		{pod, []string{"status", "conditions", "", "lastProbeTime"}, "scalar"},
		{pod, []string{"status", "hostIPs"}, "list atomic merge mergeKey=ip"},
		{pod, []string{"status", "podIPs"}, "list map keys=ip merge mergeKey=ip"},
		{pod, []string{"metadata", "finalizers"}, "list set merge"},
		{pod, []string{"metadata", "ownerReferences"}, "list map keys=uid merge mergeKey=uid"},
		{pod, []string{"metadata", "ownerReferences", ""}, "struct atomic"},
		{pod, []string{"metadata", "labels"}, "map"},
		{pod, []string{"metadata", "managedFields"}, "list atomic"},
		{pod, []string{"metadata", "managedFields", "", "fieldsV1"}, "scalar"},
		{pod, []string{"apiVersion"}, "scalar"},
		{pod, []string{"nonsense"}, "unknown"},
		{deploy, []string{"spec", "selector"}, "struct atomic"},
		{deploy, []string{"spec", "strategy"}, "struct retainKeys"},
		{deploy, []string{"spec", "strategy", "rollingUpdate", "maxSurge"}, "scalar"},
		{deploy, []string{"spec", "template", "spec", "containers"}, "list map keys=name merge mergeKey=name"},
		{deploy, []string{"status", "conditions"}, "list map keys=type merge mergeKey=type"},
	}
	for _, tt := range tests {
		if got := describe(placeAt(tt.root, tt.path...)); got != tt.want {
			t.Errorf("%s: got %q, want %q", strings.Join(tt.path, "."), got, tt.want)
		}
	}
	if d := placeAt(pod, "spec", "containers", "", "ports", "", "protocol").defaultValue; d != "TCP" {
		t.Errorf("ports[].protocol default = %v, want TCP", d)
	}
}

type embedded struct {
	Inline string `json:"inline"`
	Shadow string `json:"shadow"`
}

type withEmbedding struct {
	embedded    `json:",inline"`
	*viaPointer                    // flattened too, as encoding/json flattens it
	Shadow      string             `json:"shadow"` // shallower: wins over embedded.Shadow
	Quantity    resource.Quantity  `json:"quantity"`
	Time        meta.Time          `json:"time"`
	Port        intstr.IntOrString `json:"port"`
	Bytes       []byte             `json:"bytes"`
	Any         any                `json:"any"`
	Skipped     string             `json:"-"`
	unexported  string
	Untagged    string
	Self        *withEmbedding `json:"self,omitempty"`
	Matrix      [][]string     `json:"matrix"`
}

type viaPointer struct {
	FromPointer int `json:"fromPointer"`
}

func TestSchemaFieldsFollowEncodingJSON(t *testing.T) {
	s := mustSchema(t, reflect.TypeFor[withEmbedding]())
	var got []string
	for name, f := range s.fields {
		got = append(got, name+": "+describe(f))
	}
	want := []string{
		"Untagged: scalar",
		"any: any",
		"bytes: scalar",
		"fromPointer: scalar",
		"inline: scalar",
		"matrix: list atomic",
		"port: scalar",
		"quantity: scalar",
		"self: struct",
		"shadow: scalar",
		"time: scalar",
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if placeAt(s.place, "self", "self", "self", "inline") == nil {
		t.Error("a recursive type does not resolve through itself")
	}
	if f := placeAt(s.place, "matrix", ""); !f.atomic {
		t.Error("a list inside a list is not atomic")
	}
}

func TestSchemaForRejectsContradictoryTags(t *testing.T) {
	type item struct {
		Name string `json:"name"`
	}
	tests := []struct {
		name    string
		typ     reflect.Type
		wantMsg string
	}{
		{"unknown strategy", reflect.TypeFor[struct {
			L []item `json:"l" patchStrategy:"squash" patchMergeKey:"name"`
		}](), `unknown patchStrategy "squash"`},
		{"merge and replace", reflect.TypeFor[struct {
			L []item `json:"l" patchStrategy:"merge,replace" patchMergeKey:"name"`
		}](), `cannot be both "merge" and "replace"`},
		{"merge key not a field", reflect.TypeFor[struct {
			L []item `json:"l" patchStrategy:"merge" patchMergeKey:"id"`
		}](), `key "id" is not a field of`},
		{"objects merged without a key", reflect.TypeFor[struct {
			L []item `json:"l" patchStrategy:"merge"`
		}](), `patchStrategy merge on a list of objects needs a patchMergeKey`},
		{"keys on primitives", reflect.TypeFor[struct {
			L []string `json:"l" listType:"map" listMapKeys:"name"`
		}](), `a map list (merge key or listMapKeys) needs objects as items`},
		{"list tags on a string", reflect.TypeFor[struct {
			S string `json:"s" patchMergeKey:"name"`
		}](), `list tags on a field that is not a list`},
		{"unknown list type", reflect.TypeFor[struct {
			L []string `json:"l" listType:"bag"`
		}](), `unknown listType "bag"`},
		{"a map list without keys", reflect.TypeFor[struct {
			L []item `json:"l" listType:"map"`
		}](), `listType map needs listMapKeys or a patchMergeKey`},
		{"merge on a string", reflect.TypeFor[struct {
			S string `json:"s" patchStrategy:"merge"`
		}](), `patchStrategy "merge" on a field that is neither a list nor an object`},
		{"not a struct", reflect.TypeFor[map[string]string](), "is not a struct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SchemaFor(tt.typ)
			if !errors.Is(err, ErrInvalidSchema) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("SchemaFor: got %v, want an ErrInvalidSchema saying %q", err, tt.wantMsg)
			}
		})
	}
	if _, err := SchemaFor(nil); !errors.Is(err, ErrInvalidSchema) {
		t.Errorf("SchemaFor(nil) = %v, want ErrInvalidSchema", err)
	}
}

func TestSchemaOf(t *testing.T) {
	s, err := SchemaOf[core.Pod]()
	if err != nil {
		t.Fatal(err)
	}
	if s != podSchema(t) {
		t.Error("SchemaOf[core.Pod] is not SchemaFor(core.Pod)")
	}
}
