package patch_test

import (
	"errors"
	"fmt"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/apiserver/patch"
)

const stored = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,
"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.22"},{"name":"log","image":"fluent-bit"}]}}}}`

func ExampleStrategicMergePatch() {
	schema, err := patch.SchemaOf[apps.Deployment]()
	if err != nil {
		panic(err)
	}
	// What kubectl set image deployment/web nginx=nginx:1.23 sends: containers merge by name.
	setImage := `{"spec":{"template":{"spec":{"containers":[{"image":"nginx:1.23","name":"nginx"}]}}}}`
	out, err := patch.StrategicMergePatch([]byte(stored), []byte(setImage), schema)
	fmt.Println(string(out), err)
	// Output:
	// {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"template":{"spec":{"containers":[{"image":"nginx:1.23","name":"nginx"},{"image":"fluent-bit","name":"log"}]}}}} <nil>
}

func ExampleMergePatch() {
	// What kubectl label deployment web env=prod sends.
	out, err := patch.MergePatch([]byte(`{"metadata":{"name":"web","labels":{"app":"web"}}}`), []byte(`{"metadata":{"labels":{"env":"prod"}}}`))
	fmt.Println(string(out), err)
	// Output:
	// {"metadata":{"labels":{"app":"web","env":"prod"},"name":"web"}} <nil>
}

func ExampleJSONPatch() {
	_, err := patch.JSONPatch([]byte(`{"spec":{}}`), []byte(`[{"op":"replace","path":"/spec/replicas","value":3}]`))
	fmt.Println(err, errors.Is(err, patch.ErrInvalidPatch))
	// Output:
	// json patch operation 0 (replace /spec/replicas): path not found true
}

func ExampleApply() {
	schema, _ := patch.SchemaOf[apps.Deployment]()
	manifest := `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
`
	live, err := patch.Apply(nil, []byte(manifest), schema, "ci", false)
	if err != nil {
		panic(err)
	}
	// An autoscaler applying another replica count conflicts with ci, which owns the field...
	hpa := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}`
	_, err = patch.Apply(live, []byte(hpa), schema, "hpa", false)
	var conflict *patch.ConflictError
	fmt.Println(errors.As(err, &conflict), err)
	// ...unless it forces: then it owns replicas, and ci stops owning it.
	_, err = patch.Apply(live, []byte(hpa), schema, "hpa", true)
	fmt.Println(err)
	// Output:
	// true Apply failed with 1 conflict: conflict with "ci": .spec.replicas
	// <nil>
}
