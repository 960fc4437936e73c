package protobuf

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/autoscaling"
	"github.com/skiff-io/skiff/api/meta"
)

// testRegistry is api.Builtin with autoscaling/v1 Scale, which the built-in registry serves only
// as a subresource.
func testRegistry(t testing.TB) *api.Registry {
	reg := api.Builtin()
	err := api.Register(reg, api.KindSpec[*autoscaling.Scale]{
		Group: "autoscaling", Version: "v1", Kind: "Scale", Resource: "scales", Namespaced: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// decodeBody converts a protobuf body and decodes the JSON as the API server does.
func decodeBody(t *testing.T, reg *api.Registry, body []byte) meta.Object {
	t.Helper()
	gvk, data, err := ToJSON(body)
	if err != nil {
		t.Fatalf("ToJSON: %v", err)
	}
	if !json.Valid(data) {
		t.Fatalf("ToJSON wrote invalid JSON: %s", data)
	}
	obj, err := reg.Decode(data)
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, data)
	}
	if got := (api.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}); got != gvkOf(t, reg, obj) {
		t.Fatalf("ToJSON says %v, the object is %v", got, gvkOf(t, reg, obj))
	}
	return obj
}

func gvkOf(t *testing.T, reg *api.Registry, obj meta.Object) api.GroupVersionKind {
	k, err := reg.KindOf(obj)
	if err != nil {
		t.Fatal(err)
	}
	return k.GroupVersionKind
}

func TestIsProtobuf(t *testing.T) {
	for _, tc := range []struct {
		contentType string
		want        bool
	}{
		{"application/vnd.kubernetes.protobuf", true},
		{"application/vnd.kubernetes.protobuf; charset=utf-8", true},
		{"Application/VND.Kubernetes.Protobuf;stream=watch", true},
		{" application/vnd.kubernetes.protobuf ", true},
		{"application/vnd.kubernetes.protobuf;;bad", true},
		{"application/json", false},
		{"application/vnd.kubernetes.protobuf+json", false},
		{"application/vnd.kubernetes.protobuf-x", false},
		{"application/apply-patch+yaml", false},
		{"", false},
	} {
		if got := IsProtobuf(tc.contentType); got != tc.want {
			t.Errorf("IsProtobuf(%q) = %v, want %v", tc.contentType, got, tc.want)
		}
	}
}

// TestGolden decodes payloads written by Kubernetes' own serializer and compares them with the
// same objects in skiff's types; it also checks that the test encoder writes those payloads byte
// for byte, which makes the round trips of TestRoundTrip stand for Kubernetes' bodies.
func TestGolden(t *testing.T) {
	reg := testRegistry(t)
	objects := goldenObjects()
	files, err := filepath.Glob("testdata/*.bin")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(objects) {
		t.Errorf("%d golden payloads for %d objects", len(files), len(objects))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".bin")
		t.Run(name, func(t *testing.T) {
			want, ok := objects[name]
			if !ok {
				t.Fatalf("no object for %s", file)
			}
			golden, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, decodeBody(t, reg, golden)); diff != "" {
				t.Errorf("decoded object (-want +got):\n%s", diff)
			}
			if enc := encodeObject(t, reg, want); !bytes.Equal(enc, golden) {
				t.Errorf("the test encoder differs from Kubernetes:\nkubernetes %x\nencoder    %x", golden, enc)
			}
		})
	}
}

// TestRoundTrip encodes skiff objects as Kubernetes would, and checks that converting and decoding
// them gives them back.
func TestRoundTrip(t *testing.T) {
	reg := testRegistry(t)
	objects := goldenObjects()
	for name, obj := range moreObjects() {
		objects[name] = obj
	}
	for name, want := range objects {
		t.Run(name, func(t *testing.T) {
			body := encodeObject(t, reg, want)
			if diff := cmp.Diff(want, decodeBody(t, reg, body)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// notInKubernetes are kinds skiff serves that Kubernetes no longer has, so that no client sends
// them as protobuf.
var notInKubernetes = map[string]bool{
	"admissionregistration.k8s.io/v1alpha1 InitializerConfiguration": true, // removed in 1.14
}

// TestKindsCovered checks that every kind skiff serves has its message in the table: a new
// group needs its generated.proto in schemagen's sources.
func TestKindsCovered(t *testing.T) {
	for _, k := range api.Builtin().Kinds() {
		m := messageOfKind(k.APIVersion(), k.Kind)
		if notInKubernetes[k.APIVersion()+" "+k.Kind] {
			if m != nil {
				t.Errorf("%s is in the table after all", k.GroupVersionKind)
			}
			continue
		}
		if m == nil {
			t.Errorf("%s has no protobuf message: add its generated.proto to schemagen's sources", k.GroupVersionKind)
		}
	}
	for _, tc := range []struct{ apiVersion, kind, want string }{
		{"apps/v1", "Deployment", pkgAppsV1 + "Deployment"},
		{"v1", "Pod", pkgCoreV1 + "Pod"},
		{"v1", "PodList", pkgCoreV1 + "PodList"},
		{"apps/v1", "DeleteOptions", pkgMetaV1 + "DeleteOptions"},
		{"meta.k8s.io/v1", "DeleteOptions", pkgMetaV1 + "DeleteOptions"},
		{"v1", "Status", pkgMetaV1 + "Status"},
		{"apps/v1", "Status", ""},
		{"apps/v1beta1", "Deployment", ""},
		{"v1", "Deployment", ""},
		{"apps/v1", "", ""},
		{"apps/v1", "v1.Deployment", ""},
		{"v1", "ObjectReference", ""},
		{"meta.k8s.io/v1", "OwnerReference", ""},
		{"meta.k8s.io/v1", "Time", ""},
	} {
		got := ""
		if m := messageOfKind(tc.apiVersion, tc.kind); m != nil {
			got = m.name
		}
		if got != tc.want {
			t.Errorf("messageOfKind(%q, %q) = %q, want %q", tc.apiVersion, tc.kind, got, tc.want)
		}
	}
}

// TestSchema checks the facts the decoder relies on.
func TestSchema(t *testing.T) {
	var inline []string
	for _, m := range messages {
		for _, f := range m.fields {
			if f.inline {
				inline = append(inline, m.shortName()+"."+f.name)
				if f.kind != kindMessage || f.repeated || f.msg.format != formatObject {
					t.Errorf("%s.%s is inline but not a singular object message", m.name, f.name)
				}
			}
			if f.kind == kindMap && f.key != kindString {
				t.Errorf("%s.%s: map keys of kind %s", m.name, f.name, f.key)
			}
		}
	}
	// Inline messages must not bring a name the parent has: the JSON would hold it twice.
	var names func(m *message) []string
	names = func(m *message) []string {
		var out []string
		for _, f := range m.fields {
			if f.inline {
				out = append(out, names(f.msg)...)
			} else {
				out = append(out, f.name)
			}
		}
		return out
	}
	for _, m := range messages {
		seen := map[string]bool{}
		for _, n := range names(m) {
			if seen[n] {
				t.Errorf("%s has two members named %q in JSON", m.name, n)
			}
			seen[n] = true
		}
	}
	slices.Sort(inline)
	// The embedded structs of Kubernetes' Go types tagged `json:",inline"` (found by schemagen in
	// the Go sources, since the .proto files cannot say it).
	want := []string{
		"ConfigMapEnvSource.localObjectReference", "ConfigMapKeySelector.localObjectReference",
		"ConfigMapProjection.localObjectReference", "ConfigMapVolumeSource.localObjectReference",
		"EphemeralContainer.ephemeralContainerCommon", "NamedRuleWithOperations.ruleWithOperations",
		"PersistentVolumeSpec.persistentVolumeSource", "Probe.handler", "RuleWithOperations.rule", "SecretEnvSource.localObjectReference", "SecretKeySelector.localObjectReference",
		"SecretProjection.localObjectReference", "Unknown.typeMeta", "Volume.volumeSource",
	}
	if diff := cmp.Diff(want, inline); diff != "" {
		t.Errorf("inline fields (-want +got):\n%s", diff)
	}
	// The table has no cycles, so a body can nest no deeper than the table does: the depth bound
	// only matters if Kubernetes ever adds a recursive type.
	var depth func(m *message, seen map[*message]bool) int
	depth = func(m *message, seen map[*message]bool) int {
		if seen[m] {
			t.Fatalf("the table is recursive at %s", m.name)
		}
		seen[m] = true
		defer delete(seen, m)
		d := 0
		for _, f := range m.fields {
			if f.msg != nil {
				d = max(d, depth(f.msg, seen))
			}
		}
		return d + 1
	}
	deepest := 0
	for _, m := range messages {
		deepest = max(deepest, depth(m, map[*message]bool{}))
	}
	if deepest >= maxDepth {
		t.Errorf("the table nests %d deep, beyond maxDepth %d", deepest, maxDepth)
	}
	t.Logf("deepest nesting: %d messages", deepest)
}

// Helpers that build bodies by hand.

func tag(num int32, typ protowire.Type) []byte {
	return protowire.AppendTag(nil, protowire.Number(num), typ)
}

func varintField(num int32, v uint64) []byte {
	return protowire.AppendVarint(tag(num, protowire.VarintType), v)
}

func bytesField(num int32, v ...[]byte) []byte {
	return protowire.AppendBytes(tag(num, protowire.BytesType), bytes.Join(v, nil))
}

func str(num int32, s string) []byte { return bytesField(num, []byte(s)) }

// body wraps raw, a message of the kind named, in the prefix and envelope.
func body(apiVersion, kind string, raw ...[]byte) []byte {
	env := bytesField(1, str(1, apiVersion), str(2, kind))
	env = append(env, bytesField(2, raw...)...)
	return append([]byte(Prefix), env...)
}

func TestConvertJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{{
		name: "fields written in number order, repeated fields joined, last scalar wins",
		body: body("v1", "ConfigMap",
			bytesField(2, str(1, "b"), str(2, "2")), // data
			bytesField(1, str(1, "first"), str(3, "ns")),
			bytesField(2, str(1, "a"), str(2, "1")),
			bytesField(1, str(1, "second")), // metadata merges: name replaced, namespace kept
		),
		want: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"second","namespace":"ns"},"data":{"a":"1","b":"2"}}`,
	}, {
		name: "map: sorted, last entry of a key wins, missing key and value are empty",
		body: body("v1", "ConfigMap",
			bytesField(2, str(1, "k"), str(2, "old")),
			bytesField(2, str(1, "k"), str(2, "new")),
			bytesField(2, str(2, "no key")),
			bytesField(2, str(1, "no value")),
			bytesField(3, str(1, "bin"), str(2, "\x00\xff")),
			bytesField(3, str(1, "none")),
		),
		want: `{"apiVersion":"v1","kind":"ConfigMap","data":{"":"no key","k":"new","no value":""},"binaryData":{"bin":"AP8=","none":""}}`,
	}, {
		name: "packed and unpacked repeated scalars",
		body: body("v1", "Pod", bytesField(2, // spec
			bytesField(14, // securityContext
				varintField(4, 1),
				bytesField(4, protowire.AppendVarint(protowire.AppendVarint(nil, 2), 1<<63)),
				varintField(4, 3),
			))),
		want: `{"apiVersion":"v1","kind":"Pod","spec":{"securityContext":{"supplementalGroups":[1,2,-9223372036854775808,3]}}}`,
	}, {
		name: "int32 keeps the low 32 bits; bool is any non-zero varint",
		body: body("apps/v1", "Deployment", bytesField(2,
			varintField(1, uint64(1<<32+7)),
			varintField(5, uint64(^uint64(0))), // minReadySeconds = -1, sign-extended
			varintField(7, 2),                  // paused
		)),
		want: `{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":7,"minReadySeconds":-1,"paused":true}}`,
	}, {
		name: "inline messages write their fields into the parent",
		body: body("v1", "Pod", bytesField(2,
			bytesField(1, str(1, "v"), bytesField(2, bytesField(1, str(1, "/tmp")))), // volumes[0]: name, volumeSource.hostPath
		)),
		want: `{"apiVersion":"v1","kind":"Pod","spec":{"volumes":[{"name":"v","hostPath":{"path":"/tmp"}}]}}`,
	}, {
		name: "an empty inline message adds nothing",
		body: body("v1", "Pod", bytesField(2, bytesField(1, bytesField(2)))),
		want: `{"apiVersion":"v1","kind":"Pod","spec":{"volumes":[{}]}}`,
	}, {
		name: "strings are escaped; invalid UTF-8 becomes U+FFFD",
		body: body("v1", "Namespace", bytesField(1, str(1, "a\"b\\c\n\t\x01\u2028\xff<&>é"))),
		want: `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a\"b\\c\n\t\u0001\u2028\ufffd<&>é"}}`,
	}, {
		name: "times: seconds only, UTC, null when empty, last occurrence wins",
		body: body("v1", "Event",
			bytesField(6, varintField(1, 1700000000), varintField(2, 999)),        // firstTimestamp
			bytesField(7, varintField(1, 5)),                                      // lastTimestamp
			bytesField(7),                                                         // an empty one resets it
			bytesField(10, varintField(1, 1700000000), varintField(2, 123456789)), // eventTime
		),
		want: `{"apiVersion":"v1","kind":"Event","firstTimestamp":"2023-11-14T22:13:20Z","lastTimestamp":null,"eventTime":"2023-11-14T22:13:20.123456Z"}`,
	}, {
		name: "time at the epoch and before it",
		body: body("v1", "Event", bytesField(6, varintField(1, 0)), bytesField(7, varintField(1, uint64(1<<64-1)))),
		want: `{"apiVersion":"v1","kind":"Event","firstTimestamp":"1970-01-01T00:00:00Z","lastTimestamp":"1969-12-31T23:59:59Z"}`,
	}, {
		name: "quantities: their string, 0 when empty",
		body: body("v1", "ResourceQuota", bytesField(2,
			bytesField(1, str(1, "cpu"), bytesField(2, str(1, "500m"))),
			bytesField(1, str(1, "pods"), bytesField(2)),
			bytesField(1, str(1, "memory")),
		)),
		want: `{"apiVersion":"v1","kind":"ResourceQuota","spec":{"hard":{"cpu":"500m","memory":"0","pods":"0"}}}`,
	}, {
		name: "IntOrString: a number or a string",
		body: body("apps/v1", "Deployment", bytesField(2, bytesField(4, bytesField(2,
			bytesField(1, varintField(1, 0), varintField(2, uint64(1<<64-3)), str(3, "ignored")),
			bytesField(2, varintField(1, 1), varintField(2, 9), str(3, "25%")),
		)))),
		want: `{"apiVersion":"apps/v1","kind":"Deployment","spec":{"strategy":{"rollingUpdate":{"maxUnavailable":-3,"maxSurge":"25%"}}}}`,
	}, {
		name: "raw JSON: FieldsV1 and RawExtension, null when empty",
		body: body("apps/v1", "ControllerRevision",
			bytesField(1,
				bytesField(17, bytesField(7, str(1, ` {"f:a": {}} `))),
				bytesField(17, bytesField(7)),
			),
			bytesField(2, str(1, `[1, "x"]`)),
		),
		want: `{"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"managedFields":[{"fieldsV1": {"f:a": {}} },{"fieldsV1":null}]},"data":[1, "x"]}`,
	}, {
		name: "bytes become base64",
		body: body("v1", "Secret", bytesField(2, str(1, "k"), str(2, "\x00\x01\x02\xfe\xff"))),
		want: `{"apiVersion":"v1","kind":"Secret","data":{"k":"AAEC/v8="}}`,
	}, {
		name: "Verbs is written as its array; Duration as Go writes it",
		body: body("v1", "APIResourceList", bytesField(2,
			str(1, "pods"),
			bytesField(4, str(1, "get"), str(1, "list")),
		)),
		want: `{"apiVersion":"v1","kind":"APIResourceList","resources":[{"name":"pods","verbs":["get","list"]}]}`,
	}, {
		name: "option kinds of any served group/version",
		body: body("apps/v1", "DeleteOptions", varintField(1, 30), str(4, "Foreground"), str(5, "All")),
		want: `{"apiVersion":"apps/v1","kind":"DeleteOptions","gracePeriodSeconds":30,"propagationPolicy":"Foreground","dryRun":["All"]}`,
	}, {
		name: "no raw bytes: an empty object",
		body: append([]byte(Prefix), bytesField(1, str(1, "v1"), str(2, "Namespace"))...),
		want: `{"apiVersion":"v1","kind":"Namespace"}`,
	}, {
		name: "content encoding and type are ignored, as kube-apiserver ignores them",
		body: append(body("v1", "Namespace"), append(str(3, "gzip"), str(4, "application/json")...)...),
		want: `{"apiVersion":"v1","kind":"Namespace"}`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			_, got, err := ToJSON(tc.body)
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("ToJSON:\ngot  %s\nwant %s", got, tc.want)
			}
			if !json.Valid(got) {
				t.Errorf("invalid JSON")
			}
		})
	}
}

func TestDuration(t *testing.T) {
	d := decoders.Get().(*decoder)
	defer func() { d.reset(); decoders.Put(d) }()
	d.maxOut = DefaultMaxJSONBytes
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{nil, `"0s"`},
		{varintField(1, uint64(90e9)), `"1m30s"`},
		{varintField(1, uint64(1<<64-1500)), `"-1.5µs"`},
	} {
		d.out = d.out[:0]
		if err := d.message(messages[pkgMetaV1+"Duration"], tc.data); err != nil {
			t.Fatal(err)
		}
		if string(d.out) != tc.want {
			t.Errorf("Duration %x = %s, want %s", tc.data, d.out, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	deployment := func(spec ...[]byte) []byte { return body("apps/v1", "Deployment", bytesField(2, spec...)) }
	for _, tc := range []struct {
		name       string
		body       []byte
		msg, field string
	}{
		{"no prefix", []byte(`{"kind":"Pod"}`), `protobuf: body does not start with the Kubernetes protobuf prefix "k8s\x00"`, ""},
		{"other encoding byte", []byte("k8s\x01"), `protobuf: body does not start with the Kubernetes protobuf prefix "k8s\x00"`, ""},
		{"prefix only", []byte("k8s\x00"), "protobuf: empty body after the prefix", ""},
		{"truncated envelope", []byte("k8s\x00\x0a\x05\x0a"), "protobuf: runtime.Unknown envelope: field 1 (typeMeta): truncated length-delimited value", "typeMeta"},
		{"bad tag", []byte("k8s\x00\x80"), "protobuf: runtime.Unknown envelope: bad field tag in Unknown: truncated varint", ""},
		{"field number zero", []byte("k8s\x00\x00"), "protobuf: runtime.Unknown envelope: bad field tag in Unknown: invalid field number", ""},
		{"no kind", append([]byte(Prefix), bytesField(1, str(1, "v1"))...), "protobuf: runtime.Unknown envelope: the envelope names no kind", ""},
		{"no apiVersion", append([]byte(Prefix), bytesField(1, str(2, "Pod"))...), `protobuf: runtime.Unknown envelope: the envelope names no apiVersion for kind "Pod"`, ""},
		{"unknown envelope field", append(body("v1", "Pod"), varintField(9, 1)...),
			"protobuf: runtime.Unknown envelope: field 9: unknown field 9 (varint) in message k8s.io.apimachinery.pkg.runtime.Unknown; the schema is " + schemaSource, "<field 9>"},
		{"unknown kind", body("apps/v1", "Frobnicator"),
			"protobuf: apps/v1 Frobnicator: not a kind this server can read from protobuf (it knows v1, apps/v1, rbac.authorization.k8s.io/v1, coordination.k8s.io/v1, autoscaling/v1, admissionregistration.k8s.io/v1, authentication.k8s.io/v1, authorization.k8s.io/v1, meta.k8s.io/v1)", ""},
		{"a well-known type is no kind", body("meta.k8s.io/v1", "Time"),
			"protobuf: meta.k8s.io/v1 Time: not a kind this server can read from protobuf (it knows v1, apps/v1, rbac.authorization.k8s.io/v1, coordination.k8s.io/v1, autoscaling/v1, admissionregistration.k8s.io/v1, authentication.k8s.io/v1, authorization.k8s.io/v1, meta.k8s.io/v1)", ""},
		{"truncated varint", deployment([]byte{0x08, 0x80}),
			"protobuf: apps/v1 Deployment: field 2 (spec): field 1 (replicas): truncated varint", "spec.replicas"},
		{"varint overflow", deployment(bytes.Repeat([]byte{0xff}, 10), []byte{0x01}),
			"protobuf: apps/v1 Deployment: field 2 (spec): bad field tag in DeploymentSpec: variable length integer overflow", "spec"},
		{"truncated message", body("apps/v1", "Deployment", []byte{0x12, 0x05, 0x08}),
			"protobuf: apps/v1 Deployment: field 2 (spec): truncated length-delimited value", "spec"},
		{"wrong wire type", deployment(str(1, "3")),
			"protobuf: apps/v1 Deployment: field 2 (spec): field 1 (replicas): int32 is written as varint, not length-delimited", "spec.replicas"},
		{"fixed64 where a message goes", body("apps/v1", "Deployment", protowire.AppendFixed64(tag(2, protowire.Fixed64Type), 1)),
			"protobuf: apps/v1 Deployment: field 2 (spec): message is written as length-delimited, not fixed64", "spec"},
		{"end group without start", body("apps/v1", "Deployment", tag(2, protowire.EndGroupType)),
			"protobuf: apps/v1 Deployment: field 2 (spec): end of group without a start", "spec"},
		{"unknown field", deployment(varintField(99, 1)),
			"protobuf: apps/v1 Deployment: field 2 (spec): field 99: unknown field 99 (varint) in message k8s.io.api.apps.v1.DeploymentSpec; the schema is " + schemaSource, "spec.<field 99>"},
		{"unknown field deep in a list", body("v1", "Pod", bytesField(2, bytesField(2, str(1, "a")), bytesField(2, bytesField(6, varintField(3, 80), varintField(77, 0))))),
			"protobuf: v1 Pod: field 2 (spec): field 2 (containers)[1]: field 6 (ports)[0]: field 77: unknown field 77 (varint) in message k8s.io.api.core.v1.ContainerPort; the schema is " + schemaSource,
			"spec.containers[1].ports[0].<field 77>"},
		{"unknown field in a map entry", body("v1", "ConfigMap", bytesField(2, str(1, "k"), str(3, "x"))),
			"protobuf: v1 ConfigMap: field 2 (data)[0]: unknown field 3 (length-delimited) in a map entry (only 1, the key, and 2, the value, exist)", "data[0]"},
		{"bad map value", body("v1", "ResourceQuota", bytesField(2, bytesField(1, str(1, "cpu"), bytesField(2, varintField(1, 5))))),
			`protobuf: v1 ResourceQuota: field 2 (spec): field 1 (hard)["cpu"]: field 1 (string): string is written as length-delimited, not varint`, `spec.hard["cpu"].string`},
		{"bad packed element", body("v1", "Pod", bytesField(2, bytesField(14, bytesField(4, []byte{0x80})))),
			"protobuf: v1 Pod: field 2 (spec): field 14 (securityContext): field 4 (supplementalGroups)[0]: packed elements: truncated varint", "spec.securityContext.supplementalGroups[0]"},
		{"IntOrString of another type", body("apps/v1", "Deployment", bytesField(2, bytesField(4, bytesField(2, bytesField(1, varintField(1, 2)))))),
			"protobuf: apps/v1 Deployment: field 2 (spec): field 4 (strategy): field 2 (rollingUpdate): field 1 (maxUnavailable): IntOrString type 2 is neither 0 (int) nor 1 (string)", "spec.strategy.rollingUpdate.maxUnavailable"},
		{"raw extension not JSON", body("apps/v1", "ControllerRevision", bytesField(2, str(1, "k8s\x00binary"))),
			"protobuf: apps/v1 ControllerRevision: field 2 (data): RawExtension holds 10 bytes that are not JSON", "data"},
		{"FieldsV1 not JSON", body("v1", "Pod", bytesField(1, bytesField(17, bytesField(7, str(1, "\xa1\x61\x62"))))),
			"protobuf: v1 Pod: field 1 (metadata): field 17 (managedFields)[0]: field 7 (fieldsV1): FieldsV1 holds 3 bytes that are not JSON", "metadata.managedFields[0].fieldsV1"},
		{"error inside an inline message", body("v1", "Pod", bytesField(2, bytesField(1, bytesField(2, varintField(1, 1))))),
			"protobuf: v1 Pod: field 2 (spec): field 1 (volumes)[0]: field 2 (volumeSource): field 1 (hostPath): message is written as length-delimited, not varint", "spec.volumes[0].hostPath"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gvk, data, err := ToJSON(tc.body)
			if err == nil {
				t.Fatalf("ToJSON succeeded: %v %s", gvk, data)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error does not wrap ErrInvalid: %v", err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error is not an *Error: %T", err)
			}
			if err.Error() != tc.msg {
				t.Errorf("error:\ngot  %s\nwant %s", err, tc.msg)
			}
			if e.Field != tc.field {
				t.Errorf("Field = %q, want %q", e.Field, tc.field)
			}
		})
	}
}

func TestDiscardUnknownFields(t *testing.T) {
	b := body("v1", "Pod",
		varintField(40, 1),
		bytesField(2,
			bytesField(2, str(1, "a"), bytesField(300, str(1, "x")), protowire.AppendFixed32(tag(301, protowire.Fixed32Type), 7)),
			append(tag(302, protowire.StartGroupType), append(varintField(1, 1), tag(302, protowire.EndGroupType)...)...),
		),
		bytesField(1, bytesField(11, str(1, "k"), str(2, "v"), varintField(3, 0))),
	)
	if _, _, err := ToJSON(b); err == nil {
		t.Fatal("strict ToJSON accepted unknown fields")
	}
	r, err := Options{DiscardUnknownFields: true}.Convert(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"k":"v"}},"spec":{"containers":[{"name":"a"}]}}`; string(r.JSON) != want {
		t.Errorf("JSON:\ngot  %s\nwant %s", r.JSON, want)
	}
	want := []string{`metadata.labels["k"]: map entry field 3`, "spec.containers[0]: field 300", "spec.containers[0]: field 301", "spec: field 302", "field 40"}
	if diff := cmp.Diff(want, r.Discarded); diff != "" {
		t.Errorf("Discarded (-want +got):\n%s", diff)
	}
}

func TestMaxJSONBytes(t *testing.T) {
	b, err := os.ReadFile("testdata/pod.bin")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Options{}.Convert(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (Options{MaxJSONBytes: len(r.JSON)}).Convert(b); err != nil {
		t.Errorf("a bound of exactly the JSON's size: %v", err)
	}
	_, err = Options{MaxJSONBytes: len(r.JSON) - 1}.Convert(b)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "the JSON form exceeds") {
		t.Errorf("a bound one byte short: %v", err)
	}
	// Many empty elements make a body grow the most as JSON.
	var many []byte
	for range 10000 {
		many = append(many, bytesField(2, str(1, ""))...)
	}
	_, err = Options{MaxJSONBytes: 4096}.Convert(body("v1", "Pod", bytesField(2, many)))
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("10000 containers within 4096 bytes: %v", err)
	}
}

func TestMaxDepth(t *testing.T) {
	// The table is not recursive, so no body nests deeper than maxDepth; check the bound itself on
	// a decoder that starts deep.
	d := decoders.Get().(*decoder)
	defer func() { d.reset(); decoders.Put(d) }()
	d.maxOut = DefaultMaxJSONBytes
	d.depth = maxDepth - 1
	_, err := d.fields(messages[pkgAppsV1+"Deployment"], bytesField(2, varintField(1, 3)), true)
	if err == nil || !strings.Contains(err.Error(), "messages nest deeper than 64") {
		t.Errorf("err = %v", err)
	}
}

// TestConcurrent runs conversions in parallel, for the race detector and the decoder pool.
func TestConcurrent(t *testing.T) {
	pod, err := os.ReadFile("testdata/pod.bin")
	if err != nil {
		t.Fatal(err)
	}
	_, want, err := ToJSON(pod)
	if err != nil {
		t.Fatal(err)
	}
	bad := append(slices.Clip(pod[:len(pod)-20]), 0xff)
	done := make(chan error)
	for i := range 8 {
		go func() {
			for range 200 {
				if i%2 == 0 {
					if _, _, err := ToJSON(bad); err == nil {
						done <- errors.New("a truncated body converted")
						return
					}
					continue
				}
				_, got, err := ToJSON(pod)
				if err != nil || !bytes.Equal(got, want) {
					done <- errors.New("a conversion differed")
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
