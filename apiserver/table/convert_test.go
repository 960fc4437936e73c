package table

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

// golden compares v's JSON, indented, with testdata/<name>; -update rewrites the file. The files are
// reviewed against Kubernetes' wire form: keys, nulls and empty values as kube-apiserver writes them.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var got bytes.Buffer
	if err := json.Indent(&got, data, "", "  "); err != nil {
		t.Fatalf("indent: %v", err)
	}
	got.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("%s differs (-want +got); if the change is right, run go test -update:\n%s", path, diff)
	}
}

// samplePods is a running pod with labels and a completed one, neither with apiVersion and kind set
// (as typed objects usually are).
func samplePods() []meta.Object {
	web := MakePod("web-7d4b9c-x2k4j").Labels("app", "web", "pod-template-hash", "7d4b9c").
		Running().Status(restarted(running("app"), 3, 5*time.Minute)).Obj()
	job := MakePod("report-28571").Created(2*time.Hour + 5*time.Minute).Phase(core.PodSucceeded).
		Status(terminated("app", "Completed", 0, 0)).Obj()
	job.ResourceVersion = "101"
	return []meta.Object{web, job}
}

func sampleList() meta.ListMeta {
	return meta.ListMeta{ResourceVersion: "12345", Continue: "eyJydiI6MTIzNDV9", RemainingItemCount: ptr(int64(3))}
}

func TestTableJSON(t *testing.T) {
	tests := []struct {
		file string
		opts TableOptions
	}{
		{"pods-metadata.json", TableOptions{}},
		{"pods-object.json", TableOptions{IncludeObject: IncludeObject}},
		{"pods-none.json", TableOptions{IncludeObject: IncludeNone}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			tbl, err := Builtin().Convert(podGVK, samplePods(), tt.opts, sampleList(), now)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, tbl)
		})
	}
	t.Run("empty.json", func(t *testing.T) {
		tbl, err := Builtin().Convert(deploymentGVK, nil, TableOptions{}, meta.ListMeta{ResourceVersion: "9"}, now)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "empty.json", tbl)
	})
	t.Run("partial-list.json", func(t *testing.T) {
		golden(t, "partial-list.json", AsPartialObjectMetadataList(samplePods(), sampleList()))
	})
	t.Run("watch.json", func(t *testing.T) {
		w, err := Builtin().NewWatch(podGVK, TableOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var events []any
		for _, obj := range samplePods() {
			tbl, err := w.Convert(obj, now)
			if err != nil {
				t.Fatal(err)
			}
			events = append(events, map[string]any{"type": "ADDED", "object": tbl})
		}
		golden(t, "watch.json", events)
	})
}

// TestTableWireForm checks the points of Kubernetes' form that a golden file could hide in plain
// sight: what is null, what is absent, and the kinds of the embedded objects.
func TestTableWireForm(t *testing.T) {
	decode := func(opts TableOptions) map[string]any {
		t.Helper()
		tbl, err := Builtin().Convert(podGVK, samplePods(), opts, sampleList(), now)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(tbl)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := decode(TableOptions{})
	if m["kind"] != "Table" || m["apiVersion"] != "meta.k8s.io/v1" {
		t.Errorf("kind, apiVersion = %v, %v", m["kind"], m["apiVersion"])
	}
	wantMeta := map[string]any{"resourceVersion": "12345", "continue": "eyJydiI6MTIzNDV9", "remainingItemCount": float64(3)}
	if diff := cmp.Diff(wantMeta, m["metadata"]); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	col := m["columnDefinitions"].([]any)[0].(map[string]any)
	wantCol := map[string]any{"name": "Name", "type": "string", "format": "name", "description": descName, "priority": float64(0)}
	if diff := cmp.Diff(wantCol, col); diff != "" {
		t.Errorf("first column (-want +got):\n%s", diff)
	}
	rows := m["rows"].([]any)
	running, completed := rows[0].(map[string]any), rows[1].(map[string]any)
	if _, ok := running["conditions"]; ok {
		t.Errorf("a row without conditions has a conditions key: %v", running)
	}
	if got := completed["conditions"].([]any)[0].(map[string]any)["type"]; got != "Completed" {
		t.Errorf("completed pod's row condition = %v", got)
	}
	obj := running["object"].(map[string]any)
	if obj["kind"] != "PartialObjectMetadata" || obj["apiVersion"] != "meta.k8s.io/v1" {
		t.Errorf("row object kind, apiVersion = %v, %v", obj["kind"], obj["apiVersion"])
	}
	md := obj["metadata"].(map[string]any)
	if md["namespace"] != "default" || md["labels"].(map[string]any)["app"] != "web" {
		t.Errorf("row object metadata lacks namespace or labels: %v", md)
	}
	if _, ok := obj["spec"]; ok {
		t.Error("a PartialObjectMetadata row object has a spec")
	}

	obj = decode(TableOptions{IncludeObject: IncludeObject})["rows"].([]any)[0].(map[string]any)["object"].(map[string]any)
	if obj["kind"] != "Pod" || obj["apiVersion"] != "v1" || obj["spec"] == nil || obj["status"] == nil {
		t.Errorf("includeObject=Object row object = %v", obj)
	}

	row := decode(TableOptions{IncludeObject: IncludeNone})["rows"].([]any)[0].(map[string]any)
	if v, ok := row["object"]; !ok || v != nil {
		t.Errorf("includeObject=None: object = %v (present %v), want null as Kubernetes writes it", v, ok)
	}
}

func TestConvertBadIncludeObject(t *testing.T) {
	_, err := Builtin().Convert(podGVK, samplePods(), TableOptions{IncludeObject: "All"}, meta.ListMeta{}, now)
	if !errors.Is(err, ErrIncludeObject) {
		t.Fatalf("err = %v, want ErrIncludeObject", err)
	}
	const want = `Unable to convert to Table as requested: includeObject: Invalid value: "All": must be 'Metadata', 'Object', 'None', or empty`
	if err.Error() != want {
		t.Errorf("err = %q, want kube-apiserver's %q", err, want)
	}
	if _, err := Builtin().NewWatch(podGVK, TableOptions{IncludeObject: "all"}); !errors.Is(err, ErrIncludeObject) {
		t.Errorf("NewWatch: err = %v, want ErrIncludeObject", err)
	}
}

func TestParseTableOptions(t *testing.T) {
	for query, want := range map[string]IncludeObjectPolicy{
		"": "", "includeObject=None": IncludeNone, "includeObject=Metadata": IncludeMetadata,
		"includeObject=Object&limit=500": IncludeObject,
	} {
		q, _ := url.ParseQuery(query)
		opts, err := ParseTableOptions(q)
		if err != nil || opts.IncludeObject != want {
			t.Errorf("ParseTableOptions(%q) = %+v, %v; want %q", query, opts, err, want)
		}
	}
	q, _ := url.ParseQuery("includeObject=object")
	if _, err := ParseTableOptions(q); !errors.Is(err, ErrIncludeObject) {
		t.Errorf("includeObject=object: err = %v, want ErrIncludeObject (the values are case-sensitive)", err)
	}
}

func TestConvertObject(t *testing.T) {
	pod := samplePods()[1]
	tbl, err := Builtin().ConvertObject(podGVK, pod, TableOptions{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.ResourceVersion != "101" || tbl.Continue != "" || len(tbl.Rows) != 1 || len(tbl.ColumnDefinitions) != 9 {
		t.Errorf("table = rv %q, continue %q, %d rows, %d columns; want rv 101, 1 row, 9 columns",
			tbl.ResourceVersion, tbl.Continue, len(tbl.Rows), len(tbl.ColumnDefinitions))
	}
}

// TestConvertLeavesObjectsAlone: the objects are shared (a store's or an informer's), so converting
// them, and encoding the result, must not write to them, apiVersion and kind included.
func TestConvertLeavesObjectsAlone(t *testing.T) {
	objs := samplePods()
	objs[1].GetTypeMeta().APIVersion = "v0" // set but wrong: the row needs a private copy
	before, _ := json.Marshal(objs)
	for _, opts := range []TableOptions{{}, {IncludeObject: IncludeObject}, {IncludeObject: IncludeNone}} {
		tbl, err := Builtin().Convert(podGVK, objs, opts, meta.ListMeta{}, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(tbl); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := json.Marshal(objs)
	if !bytes.Equal(before, after) {
		t.Errorf("Convert changed its objects:\nbefore %s\nafter  %s", before, after)
	}
}

func TestIncludeObjectKinds(t *testing.T) {
	bare := MakePod("bare").Obj()
	typed := MakePod("typed").Obj()
	typed.TypeMeta = meta.TypeMeta{APIVersion: "v1", Kind: "Pod"}
	wrong := MakePod("wrong").Obj()
	wrong.TypeMeta = meta.TypeMeta{Kind: "Pod"}
	empty := &core.ConfigMap{}

	tbl, err := Builtin().Convert(podGVK, []meta.Object{bare, typed, wrong}, TableOptions{IncludeObject: IncludeObject}, meta.ListMeta{}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tbl.Rows {
		data, err := json.Marshal(r.Object)
		if err != nil {
			t.Fatal(err)
		}
		var tm meta.TypeMeta
		if err := json.Unmarshal(data, &tm); err != nil {
			t.Fatal(err)
		}
		if tm != (meta.TypeMeta{APIVersion: "v1", Kind: "Pod"}) {
			t.Errorf("row object %s has type %+v, want v1 Pod", data[:60], tm)
		}
	}
	// An object whose JSON is {} still gets its kind.
	data, err := json.Marshal(withKind{empty, "v1", "ConfigMap"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"creationTimestamp":null}}`; string(data) != want {
		t.Errorf("empty ConfigMap = %s, want %s", data, want)
	}
}

// TestTableRoundTrip decodes a Table as a client does: the row objects stay raw JSON, and encoding
// the decoded Table gives the same bytes.
func TestTableRoundTrip(t *testing.T) {
	tbl, err := Builtin().Convert(podGVK, samplePods(), TableOptions{}, sampleList(), now)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(tbl)
	if err != nil {
		t.Fatal(err)
	}
	var back Table
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	var partial PartialObjectMetadata
	if err := json.Unmarshal(back.Rows[0].Object.Raw, &partial); err != nil {
		t.Fatal(err)
	}
	if partial.Name != "web-7d4b9c-x2k4j" || partial.Labels["app"] != "web" {
		t.Errorf("decoded row object = %+v", partial.ObjectMeta)
	}
	again, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Errorf("round trip changed the table:\n%s\n%s", data, again)
	}
	// Cells decode as JSON values: an integer cell is a number.
	if n, ok := back.Rows[0].Cells[3].(string); !ok || n != "3 (5m ago)" {
		t.Errorf("restarts cell = %#v", back.Rows[0].Cells[3])
	}
	var none RawObject
	if err := json.Unmarshal([]byte("null"), &none); err != nil || none.Raw != nil {
		t.Errorf("null object = %+v, %v", none, err)
	}
}

func TestWatch(t *testing.T) {
	w, err := Builtin().NewWatch(podGVK, TableOptions{IncludeObject: IncludeNone})
	if err != nil {
		t.Fatal(err)
	}
	pods := samplePods()
	first, err := w.Convert(pods[0], now)
	if err != nil {
		t.Fatal(err)
	}
	second, err := w.Convert(pods[1], now)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.ColumnDefinitions) != 9 || second.ColumnDefinitions != nil {
		t.Errorf("column definitions: first %d, second %v; want 9 and none", len(first.ColumnDefinitions), second.ColumnDefinitions)
	}
	if first.ResourceVersion != "100" || second.ResourceVersion != "101" {
		t.Errorf("resource versions %q, %q; want the objects' 100, 101", first.ResourceVersion, second.ResourceVersion)
	}
	if len(second.Rows) != 1 || second.Rows[0].Cells[0] != "report-28571" || second.Rows[0].Object.Object != nil {
		t.Errorf("second event's row = %+v", second.Rows)
	}

	// The first event uses up the headers even when it cannot be converted, as in kube-apiserver.
	w, _ = Builtin().NewWatch(podGVK, TableOptions{})
	if _, err := w.Convert(&core.Node{}, now); !errors.Is(err, ErrWrongType) {
		t.Fatalf("converting a node in a pod watch: %v, want ErrWrongType", err)
	}
	next, err := w.Convert(pods[0], now)
	if err != nil {
		t.Fatal(err)
	}
	if next.ColumnDefinitions != nil {
		t.Error("the headers were sent again after a failed first conversion")
	}
}
