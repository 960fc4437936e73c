package patch

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// webConfig is what a user keeps in git and applies with kubectl apply --server-side.
const webConfig = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
`

// webConfigFields is the FieldsV1 Kubernetes records for webConfig.
const webConfigFields = `
f:metadata:
  f:labels:
    f:app: {}
f:spec:
  f:replicas: {}
  f:selector: {}
  f:template:
    f:metadata:
      f:labels:
        f:app: {}
    f:spec:
      f:containers:
        k:{"name":"nginx"}:
          .: {}
          f:image: {}
          f:name: {}
          f:ports:
            k:{"containerPort":80,"protocol":"TCP"}:
              .: {}
              f:containerPort: {}
`

// applyStep is one write in a scenario: an apply of config, or (update set) an ordinary write
// that edits the current object.
type applyStep struct {
	manager string
	force   bool
	config  string
	update  func(t *testing.T, obj map[string]any)
	// create makes an update step a create: obj starts empty and there is no old object.
	create bool
	// live, when set, replaces the stored object before the step (an object from elsewhere).
	live string

	wantErr    string // the step fails with this message and the object stays as it was
	want       string // the object without managedFields, as YAML; empty to skip
	wantFields string // metadata.managedFields, as YAML
}

// clockAt is 10:00 plus one minute per step, so an entry's time tells which step last changed it.
func clockAt(step int) time.Time { return time.Date(2024, 5, 1, 10, step, 0, 0, time.UTC) }

func runSteps(t *testing.T, steps []applyStep) {
	t.Helper()
	schema := deploymentSchema(t)
	var stored []byte
	for i, st := range steps {
		fm := FieldManager{Schema: schema, Now: func() time.Time { return clockAt(i) }}
		if st.live != "" {
			stored = []byte(fromYAML(t, st.live))
		}
		if st.create && stored == nil {
			stored = []byte(`{}`)
		}
		var out []byte
		var err error
		if st.update != nil {
			v, perr := parseJSON(stored)
			if perr != nil {
				t.Fatalf("step %d: %v", i, perr)
			}
			obj := deepCopy(v).(map[string]any)
			old := stored
			if st.create {
				obj, old = map[string]any{}, nil
			}
			st.update(t, obj)
			out, err = fm.Update(old, encodeJSON(obj), st.manager, OperationUpdate)
		} else {
			out, err = fm.Apply(stored, []byte(st.config), st.manager, st.force)
		}
		if st.wantErr != "" {
			if err == nil {
				t.Fatalf("step %d (%s): got no error, want %q", i, st.manager, st.wantErr)
			}
			if err.Error() != st.wantErr {
				t.Fatalf("step %d (%s): error\n%s\nwant\n%s", i, st.manager, err, st.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, st.manager, err)
		}
		stored = out
		v, _ := parseJSON(out)
		obj := v.(map[string]any)
		fields := metadataOf(obj)["managedFields"]
		if st.want != "" {
			if diff := cmp.Diff(fromYAML(t, st.want), string(encodeJSON(withManagedFields(obj, nil)))); diff != "" {
				t.Errorf("step %d (%s): object (-want +got):\n%s", i, st.manager, diff)
			}
		}
		if st.wantFields != "" {
			if diff := cmp.Diff(fromYAML(t, st.wantFields), string(encodeJSON(fields))); diff != "" {
				t.Errorf("step %d (%s): managedFields (-want +got):\n%s", i, st.manager, diff)
			}
		}
	}
}

// setField returns an update that sets the value at a dotted path (YAML value).
func setField(path, value string) func(t *testing.T, obj map[string]any) {
	return func(t *testing.T, obj map[string]any) {
		v, err := parseJSON([]byte(fromYAML(t, "v: "+value)))
		if err != nil {
			t.Fatal(err)
		}
		setDotted(t, obj, splitDotted(path), v.(map[string]any)["v"])
	}
}

func entry(manager, operation string, step int, fields string) string {
	return fmt.Sprintf("- manager: %s\n  operation: %s\n  apiVersion: apps/v1\n  time: %q\n  fieldsType: FieldsV1\n  fieldsV1:\n%s",
		manager, operation, clockAt(step).Format(time.RFC3339), indent(fields, "    "))
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if line != "" {
			b.WriteString(prefix + line + "\n")
		}
	}
	return b.String()
}

func TestApplyCreatesAndReappliesWithoutChange(t *testing.T) {
	runSteps(t, []applyStep{
		{
			manager: "kubectl", config: webConfig,
			want:       webConfig,
			wantFields: entry("kubectl", "Apply", 0, webConfigFields),
		},
		{
			// Nothing changes, so the entry keeps its time.
			manager: "kubectl", config: webConfig,
			want:       webConfig,
			wantFields: entry("kubectl", "Apply", 0, webConfigFields),
		},
	})
}

func TestApplyRemovesWhatItNoLongerApplies(t *testing.T) {
	const withEnv = webConfig + `        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
`
	runSteps(t, []applyStep{
		{manager: "kubectl", config: withEnv},
		{
			// replicas and env B left out: both go. env A stays, in its place.
			manager: "kubectl",
			config: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
        env: [{name: A, value: "1"}]
`,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80}]
        env: [{name: A, value: "1"}]
`,
			wantFields: entry("kubectl", "Apply", 1, `
f:metadata: {f:labels: {f:app: {}}}
f:spec:
  f:selector: {}
  f:template:
    f:metadata: {f:labels: {f:app: {}}}
    f:spec:
      f:containers:
        k:{"name":"nginx"}:
          .: {}
          f:env:
            k:{"name":"A"}: {.: {}, f:name: {}, f:value: {}}
          f:image: {}
          f:name: {}
          f:ports:
            k:{"containerPort":80,"protocol":"TCP"}: {.: {}, f:containerPort: {}}
`),
		},
	})
}

func TestApplyConflictsAndForce(t *testing.T) {
	const hpa = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}`
	runSteps(t, []applyStep{
		{manager: "kubectl", config: webConfig},
		{
			manager: "hpa", config: hpa,
			wantErr: `Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas`,
		},
		{
			// Forced: replicas moves to the hpa.
			manager: "hpa", config: hpa, force: true,
			want: replaceLine(webConfig, "replicas: 3", "replicas: 5"),
			wantFields: entry("kubectl", "Apply", 0, removeLine(webConfigFields, "  f:replicas: {}")) +
				entry("hpa", "Apply", 2, `f:spec: {f:replicas: {}}`),
		},
		{
			manager: "kubectl", config: webConfig,
			wantErr: `Apply failed with 1 conflict: conflict with "hpa": .spec.replicas`,
		},
		{
			// Leaving replicas to its owner: it stays at 5. Nothing changed, so nothing is
			// written: kubectl's entry keeps its time.
			manager: "kubectl", config: removeLine(webConfig, "  replicas: 3"),
			want: replaceLine(webConfig, "replicas: 3", "replicas: 5"),
			wantFields: entry("kubectl", "Apply", 0, removeLine(webConfigFields, "  f:replicas: {}")) +
				entry("hpa", "Apply", 2, `f:spec: {f:replicas: {}}`),
		},
	})
}

func TestApplySameValueIsSharedOwnership(t *testing.T) {
	const ci = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}}`
	runSteps(t, []applyStep{
		{manager: "kubectl", config: webConfig},
		{
			manager: "ci", config: ci,
			want: webConfig,
			wantFields: entry("kubectl", "Apply", 0, webConfigFields) +
				entry("ci", "Apply", 1, `f:spec: {f:replicas: {}}`),
		},
		{
			// kubectl stops applying replicas, but ci still owns it: it stays.
			manager: "kubectl", config: removeLine(webConfig, "  replicas: 3"),
			want: webConfig,
			wantFields: entry("ci", "Apply", 1, `f:spec: {f:replicas: {}}`) +
				entry("kubectl", "Apply", 2, removeLine(webConfigFields, "  f:replicas: {}")),
		},
	})
}

func TestApplyAfterKubectlEdit(t *testing.T) {
	runSteps(t, []applyStep{
		{manager: "kubectl", config: webConfig},
		{
			// kubectl edit: an update that changes replicas takes it from the applier.
			manager: "kubectl-edit", update: setField("spec.replicas", "5"),
			want: replaceLine(webConfig, "replicas: 3", "replicas: 5"),
			wantFields: entry("kubectl", "Apply", 0, removeLine(webConfigFields, "  f:replicas: {}")) +
				entry("kubectl-edit", "Update", 1, `f:spec: {f:replicas: {}}`),
		},
		{
			manager: "kubectl", config: webConfig,
			wantErr: `Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas`,
		},
		{
			// With force the applier takes replicas back; kubectl-edit owned nothing else, so its
			// entry goes.
			manager: "kubectl", config: webConfig, force: true,
			want:       webConfig,
			wantFields: entry("kubectl", "Apply", 3, webConfigFields),
		},
	})
}

func TestApplyConflictsWithClientSideApply(t *testing.T) {
	// A Deployment created by kubectl apply without --server-side: the manager is
	// kubectl-client-side-apply and the operation Update.
	const csa = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
  managedFields:
  - manager: kubectl-client-side-apply
    operation: Update
    apiVersion: apps/v1
    time: "2024-04-01T00:00:00Z"
    fieldsType: FieldsV1
    fieldsV1:
      f:metadata: {f:labels: {.: {}, f:app: {}}}
      f:spec:
        f:replicas: {}
        f:selector: {}
        f:template:
          f:metadata: {f:labels: {.: {}, f:app: {}}}
          f:spec:
            f:containers:
              k:{"name":"nginx"}:
                .: {}
                f:image: {}
                f:name: {}
                f:ports:
                  .: {}
                  k:{"containerPort":80,"protocol":"TCP"}: {.: {}, f:containerPort: {}, f:protocol: {}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 80, protocol: TCP}]
`
	runSteps(t, []applyStep{
		{
			live: csa, manager: "kubectl", config: webConfig,
			wantErr: `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`,
		},
	})
}

func TestApplyFirstApplyToUnmanagedObject(t *testing.T) {
	// An object with no managedFields (written before any were kept): its fields are credited to
	// before-first-apply, so the first apply conflicts on what it changes and not on the rest.
	const unmanaged = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: nginx, image: "nginx:1.24", ports: [{containerPort: 80, protocol: TCP}]}
`
	runSteps(t, []applyStep{
		{
			live: unmanaged, manager: "kubectl", config: webConfig,
			wantErr: `Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.template.spec.containers[name="nginx"].image`,
		},
		{
			manager: "kubectl", config: webConfig, force: true,
			want: replaceLine(webConfig, "- containerPort: 80", "- {containerPort: 80, protocol: TCP}"),
			// before-first-apply keeps what kubectl applied with the same value (both own it),
			// and loses the image it was forced to give up.
			wantFields: entry("kubectl", "Apply", 1, webConfigFields) +
				entry("before-first-apply", "Update", 1, `
f:metadata: {f:labels: {.: {}, f:app: {}}}
f:spec:
  f:replicas: {}
  f:selector: {}
  f:template:
    f:metadata: {f:labels: {.: {}, f:app: {}}}
    f:spec:
      f:containers:
        k:{"name":"nginx"}:
          .: {}
          f:name: {}
          f:ports:
            .: {}
            k:{"containerPort":80,"protocol":"TCP"}: {.: {}, f:containerPort: {}, f:protocol: {}}
`),
		},
	})
}

func TestApplyListItemsAndOwnership(t *testing.T) {
	const twoContainers = webConfig + `      - name: sidecar
        image: envoyproxy/envoy:v1.30
`
	const meshSidecar = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - {name: sidecar, image: "envoyproxy/envoy:v1.30"}
`
	t.Run("an item no one else owns is removed", func(t *testing.T) {
		runSteps(t, []applyStep{
			{manager: "kubectl", config: twoContainers},
			{manager: "kubectl", config: webConfig, want: webConfig, wantFields: entry("kubectl", "Apply", 1, webConfigFields)},
		})
	})
	t.Run("an item another applier owns stays", func(t *testing.T) {
		runSteps(t, []applyStep{
			{manager: "kubectl", config: twoContainers},
			{manager: "mesh", config: meshSidecar},
			{
				manager: "kubectl", config: webConfig,
				want: twoContainers,
				wantFields: entry("mesh", "Apply", 1, `
f:spec:
  f:template:
    f:spec:
      f:containers:
        k:{"name":"sidecar"}: {.: {}, f:image: {}, f:name: {}}
`) + entry("kubectl", "Apply", 2, webConfigFields),
			},
		})
	})
	t.Run("a new item goes after the items it follows in the configuration", func(t *testing.T) {
		runSteps(t, []applyStep{
			{manager: "mesh", config: meshSidecar},
			{
				manager: "kubectl", config: webConfig,
				want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: sidecar, image: "envoyproxy/envoy:v1.30"}
      - {name: nginx, image: "nginx:1.25", ports: [{containerPort: 80}]}
`,
			},
		})
	})
	t.Run("ports without a protocol match the defaulted live port", func(t *testing.T) {
		runSteps(t, []applyStep{
			{manager: "kubectl", config: replaceLine(webConfig, "- containerPort: 80", "- {containerPort: 80, protocol: TCP}")},
			{
				manager: "kubectl", config: replaceLine(webConfig, "- containerPort: 80", "- {containerPort: 80, name: http}"),
				want: replaceLine(webConfig, "- containerPort: 80", "- {containerPort: 80, name: http}"),
			},
		})
	})
}

func TestApplyMultipleConflicts(t *testing.T) {
	runSteps(t, []applyStep{
		{manager: "kubectl", config: webConfig},
		{manager: "controller", update: setField("spec.template.spec.containers[0].image", "nginx:1.26")},
		{
			manager: "ci", config: replaceLine(replaceLine(webConfig, "replicas: 3", "replicas: 4"), "image: nginx:1.25", "image: nginx:1.27"),
			wantErr: "Apply failed with 2 conflicts: conflicts with \"controller\" using apps/v1:\n" +
				"- .spec.template.spec.containers[name=\"nginx\"].image\n" +
				"conflicts with \"kubectl\":\n" +
				"- .spec.replicas",
		},
	})
}

func TestApplyRejectsBadConfigurations(t *testing.T) {
	tests := []struct {
		name, config, manager string
		live                  string
		wantMsg               string
	}{
		{name: "unknown field", config: replaceLine(webConfig, "replicas: 3", "replica: 3"), wantMsg: "apply: spec.replica: field not declared in schema"},
		{name: "managedFields in the configuration", config: replaceLine(webConfig, "name: web", "name: web\n  managedFields: [{manager: me}]"), wantMsg: "apply: metadata.managedFields: must be nil: managedFields are the server's to write"},
		{name: "list item without its key", config: replaceLine(webConfig, "- name: nginx", "- nom: nginx"), wantMsg: `apply: spec.template.spec.containers[0]: list item omits key field "name", which has no default`},
		{name: "a key that is not a scalar", config: replaceLine(webConfig, "- name: nginx", "- name: {first: nginx}"), wantMsg: `apply: spec.template.spec.containers[0]: key field "name" is an object; keys are strings, numbers or booleans`},
		{name: "duplicate list items", config: webConfig + "      - name: nginx\n", wantMsg: `apply: spec.template.spec.containers[1]: duplicate entries for key [name="nginx"]`},
		{name: "no apiVersion", config: removeLine(webConfig, "apiVersion: apps/v1"), wantMsg: "apply: apiVersion: the configuration must set apiVersion"},
		{name: "no kind", config: removeLine(webConfig, "kind: Deployment"), wantMsg: "apply: kind: the configuration must set kind"},
		{name: "another version than the object's", config: replaceLine(webConfig, "apps/v1", "apps/v1beta2"), live: webConfig, wantMsg: `apply: apiVersion: the configuration's apiVersion "apps/v1beta2" does not match the object's "apps/v1"`},
		{name: "a list where an object goes", config: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":[]}}`, wantMsg: "apply: spec.template: expected an object, not an array"},
		{name: "not YAML", config: "a: [", wantMsg: "apply: the configuration is neither JSON nor YAML"},
		{name: "not an object", config: "- a\n- b\n", wantMsg: "apply: the configuration is an array, not an object"},
		{name: "empty", config: "  \n", wantMsg: "apply: the configuration is empty"},
		{name: "no manager", config: webConfig, manager: "-", wantMsg: "apply: a field manager name is required"},
	}
	schema := deploymentSchema(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			manager := "kubectl"
			if tt.manager == "-" {
				manager = ""
			}
			var live []byte
			if tt.live != "" {
				live = []byte(fromYAML(t, tt.live))
			}
			_, err := Apply(live, []byte(tt.config), schema, manager, false)
			checkErr(t, err, ErrInvalidPatch, tt.wantMsg)
		})
	}
}

func TestApplyConflictErrorIsChecked(t *testing.T) {
	schema := deploymentSchema(t)
	live, err := Apply(nil, []byte(webConfig), schema, "kubectl", false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Apply(live, []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1}}`), schema, "hpa", false)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("error %v does not wrap ErrConflict", err)
	}
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a *ConflictError", err)
	}
	want := []Conflict{{Manager: "kubectl", Operation: "Apply", APIVersion: "apps/v1", Path: ".spec.replicas"}}
	if diff := cmp.Diff(want, ce.Conflicts); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
}

func TestApplyRejectsBrokenLiveObjects(t *testing.T) {
	schema := deploymentSchema(t)
	tests := []struct{ name, live, wantMsg string }{
		{name: "not JSON", live: `{"a":`, wantMsg: "apply: document: invalid JSON"},
		{name: "not an object", live: `[]`, wantMsg: "apply: document: an array, not an object"},
		{name: "bad managedFields", live: `{"metadata":{"managedFields":[{"manager":"x","fieldsV1":{"q:x":{}}}]}}`, wantMsg: `apply: document: metadata.managedFields[0].fieldsV1: "q:x" is not a FieldsV1 path element`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Apply([]byte(tt.live), []byte(webConfig), schema, "kubectl", false)
			checkErr(t, err, ErrInvalidDocument, tt.wantMsg)
		})
	}
}

// replaceLine replaces the first occurrence of old in s.
func replaceLine(s, old, new string) string { return strings.Replace(s, old, new, 1) }

// removeLine removes the lines of s equal to line.
func removeLine(s, line string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != line {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestApplyNull(t *testing.T) {
	const noReplicas = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":null}}`
	runSteps(t, []applyStep{
		{manager: "kubectl", config: webConfig},
		{
			// Setting another manager's field to null changes it: a conflict.
			manager: "cleaner", config: noReplicas,
			wantErr: `Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas`,
		},
		{
			// Forced, the field is removed and the applier of the null owns it.
			manager: "cleaner", config: noReplicas, force: true,
			want: removeLine(webConfig, "  replicas: 3"),
			wantFields: entry("kubectl", "Apply", 0, removeLine(webConfigFields, "  f:replicas: {}")) +
				entry("cleaner", "Apply", 2, `f:spec: {f:replicas: {}}`),
		},
	})
}

func TestApplyIgnoredFields(t *testing.T) {
	// The main resource of a kind with a status subresource: status is nobody's there.
	fm := FieldManager{Schema: deploymentSchema(t), Now: func() time.Time { return clockAt(0) }, Ignored: [][]string{{"status"}}}
	config := webConfig + "status:\n  replicas: 3\n"
	out, err := fm.Apply(nil, []byte(config), "kubectl", false)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := parseJSON(out)
	if diff := cmp.Diff(fromYAML(t, entry("kubectl", "Apply", 0, webConfigFields)), string(encodeJSON(metadataOf(v.(map[string]any))["managedFields"]))); diff != "" {
		t.Errorf("managedFields (-want +got):\n%s", diff)
	}
	// A controller's status update then changes status without conflict or ownership.
	updated, err := fm.Update(out, []byte(strings.Replace(string(out), `"status":{"replicas":3}`, `"status":{"replicas":2}`, 1)), "controller", "")
	if err != nil {
		t.Fatal(err)
	}
	if string(updated) != strings.Replace(string(out), `"status":{"replicas":3}`, `"status":{"replicas":2}`, 1) {
		t.Errorf("an ignored change recorded an owner:\n%s", updated)
	}
}
