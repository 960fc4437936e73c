package patch

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/skiff-io/skiff/api/apps"
)

// created is a Deployment as kubectl create sends it, after defaulting.
const created = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx
        ports: [{containerPort: 80, protocol: TCP}]
        resources: {}
        terminationMessagePath: /dev/termination-log
      restartPolicy: Always
      securityContext: {}
`

// createdFields is what Kubernetes records for kubectl-create: struct fields that always encode
// (spec, strategy, template) are not marked, maps and pointers the create filled in are (".").
const createdFields = `
f:metadata:
  f:labels: {.: {}, f:app: {}}
f:spec:
  f:replicas: {}
  f:selector: {}
  f:strategy:
    f:rollingUpdate: {.: {}, f:maxSurge: {}, f:maxUnavailable: {}}
    f:type: {}
  f:template:
    f:metadata:
      f:labels: {.: {}, f:app: {}}
    f:spec:
      f:containers:
        k:{"name":"nginx"}:
          .: {}
          f:image: {}
          f:name: {}
          f:ports:
            .: {}
            k:{"containerPort":80,"protocol":"TCP"}: {.: {}, f:containerPort: {}, f:protocol: {}}
          f:resources: {}
          f:terminationMessagePath: {}
      f:restartPolicy: {}
      f:securityContext: {}
`

func TestUpdateManagedFields(t *testing.T) {
	runSteps(t, []applyStep{
		{
			// A create: the object before it is the kind's empty object.
			create:  true,
			manager: "kubectl-create", update: func(t *testing.T, obj map[string]any) {
				v, _ := parseJSON([]byte(fromYAML(t, created)))
				for k, val := range v.(map[string]any) {
					obj[k] = val
				}
			},
			want:       created,
			wantFields: entry("kubectl-create", "Update", 0, createdFields),
		},
		{
			// The controller writes status: it owns that, and nothing else changes hands.
			manager: "kube-controller-manager", update: setField("status", "{replicas: 1, updatedReplicas: 1}"),
			wantFields: entry("kubectl-create", "Update", 0, createdFields) +
				entry("kube-controller-manager", "Update", 1, `f:status: {.: {}, f:replicas: {}, f:updatedReplicas: {}}`),
		},
		{
			// kubectl scale: replicas moves to kubectl-scale.
			manager: "kubectl-scale", update: setField("spec.replicas", "4"),
			wantFields: entry("kubectl-create", "Update", 0, removeLine(createdFields, "  f:replicas: {}")) +
				entry("kube-controller-manager", "Update", 1, `f:status: {.: {}, f:replicas: {}, f:updatedReplicas: {}}`) +
				entry("kubectl-scale", "Update", 2, `f:spec: {f:replicas: {}}`),
		},
		{
			// A write that removes a field takes it from everyone. It added and changed nothing, so
			// (as in Kubernetes) no entry gets a new time.
			manager: "kube-controller-manager", update: func(t *testing.T, obj map[string]any) {
				delete(obj["status"].(map[string]any), "updatedReplicas")
			},
			wantFields: entry("kubectl-create", "Update", 0, removeLine(createdFields, "  f:replicas: {}")) +
				entry("kube-controller-manager", "Update", 1, `f:status: {.: {}, f:replicas: {}}`) +
				entry("kubectl-scale", "Update", 2, `f:spec: {f:replicas: {}}`),
		},
		{
			// A write that changes nothing records nothing.
			manager: "someone", update: func(t *testing.T, obj map[string]any) {},
			wantFields: entry("kubectl-create", "Update", 0, removeLine(createdFields, "  f:replicas: {}")) +
				entry("kube-controller-manager", "Update", 1, `f:status: {.: {}, f:replicas: {}}`) +
				entry("kubectl-scale", "Update", 2, `f:spec: {f:replicas: {}}`),
		},
		{
			// A client that drops managedFields (an old client's PUT) does not lose them.
			manager: "old-client", update: func(t *testing.T, obj map[string]any) {
				delete(obj["metadata"].(map[string]any), "managedFields")
				obj["spec"].(map[string]any)["paused"] = true
			},
			wantFields: entry("kubectl-create", "Update", 0, removeLine(createdFields, "  f:replicas: {}")) +
				entry("kube-controller-manager", "Update", 1, `f:status: {.: {}, f:replicas: {}}`) +
				entry("kubectl-scale", "Update", 2, `f:spec: {f:replicas: {}}`) +
				entry("old-client", "Update", 5, `f:spec: {f:paused: {}}`),
		},
		{
			// An empty list resets them: only this write's own changes are recorded.
			manager: "admin", update: func(t *testing.T, obj map[string]any) {
				obj["metadata"].(map[string]any)["managedFields"] = []any{}
				obj["spec"].(map[string]any)["paused"] = false
			},
			wantFields: entry("admin", "Update", 6, `f:spec: {f:paused: {}}`),
		},
	})
}

func TestUpdateManagedFieldsTakenFromTheNewObject(t *testing.T) {
	schema := deploymentSchema(t)
	fm := FieldManager{Schema: schema, Now: func() time.Time { return clockAt(9) }}
	old := fromYAML(t, `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 1}}`)
	// A client that sets managedFields explicitly is taken at its word.
	newObj := fromYAML(t, `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  managedFields:
  - {manager: tool, operation: Apply, apiVersion: apps/v1, time: "2024-01-01T00:00:00Z", fieldsType: FieldsV1, fieldsV1: {f:spec: {f:replicas: {}}}}
spec: {replicas: 1}
`)
	got, err := fm.Update([]byte(old), []byte(newObj), "editor", "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(newObj, string(got)); diff != "" {
		t.Errorf("Update (-want +got):\n%s", diff)
	}
}

func TestUpdateManagedFieldsErrors(t *testing.T) {
	schema := deploymentSchema(t)
	tests := []struct {
		name, old, new, manager, operation string
		wantErr                            error
		wantMsg                            string
	}{
		{name: "apply is not an update", new: `{}`, manager: "m", operation: "Apply", wantErr: ErrInvalidPatch, wantMsg: `managed fields: operation "Apply": only "Update" is recorded here`},
		{name: "no manager", new: `{}`, operation: "Update", wantErr: ErrInvalidPatch, wantMsg: "managed fields: a field manager name is required"},
		{name: "new object not JSON", new: `{`, manager: "m", wantErr: ErrInvalidPatch, wantMsg: "managed fields: new object: invalid JSON"},
		{name: "new object not an object", new: `1`, manager: "m", wantErr: ErrInvalidPatch, wantMsg: "managed fields: the new object is a number, not an object"},
		{name: "old object not JSON", old: `{"a"`, new: `{}`, manager: "m", wantErr: ErrInvalidDocument, wantMsg: "managed fields: document: invalid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := UpdateManagedFields([]byte(tt.old), []byte(tt.new), tt.manager, tt.operation, schema)
			checkErr(t, err, tt.wantErr, tt.wantMsg)
		})
	}
}

// TestManagedFieldsMatchesUpdate: ManagedFields returns exactly the managedFields Update writes.
func TestManagedFieldsMatchesUpdate(t *testing.T) {
	schema, err := SchemaFor(reflect.TypeFor[apps.Deployment]())
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) }
	fm := FieldManager{Schema: schema, Now: now}
	old := []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"a":"1"}},"spec":{"replicas":1}}`)
	newer := []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"a":"2"}},"spec":{"replicas":3}}`)
	full, err := fm.Update(old, newer, "editor", OperationUpdate)
	if err != nil {
		t.Fatal(err)
	}
	only, err := fm.ManagedFields(old, newer, "editor", OperationUpdate)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Metadata struct {
			ManagedFields json.RawMessage `json:"managedFields"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(full, &doc); err != nil {
		t.Fatal(err)
	}
	var a, b any
	json.Unmarshal(doc.Metadata.ManagedFields, &a)
	json.Unmarshal(only, &b)
	if diff := cmp.Diff(a, b); diff != "" || a == nil {
		t.Errorf("ManagedFields differs from what Update writes (-update +managedfields):\n%s", diff)
	}
}
