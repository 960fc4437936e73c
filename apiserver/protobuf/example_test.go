package protobuf_test

import (
	"fmt"
	"os"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/apiserver/protobuf"
)

func ExampleToJSON() {
	// What `kubectl create namespace team-a` sends with
	// Content-Type: application/vnd.kubernetes.protobuf.
	body, err := os.ReadFile("testdata/namespace.bin")
	if err != nil {
		panic(err)
	}
	gvk, data, err := protobuf.ToJSON(body)
	if err != nil {
		panic(err)
	}
	fmt.Println(gvk)
	fmt.Println(string(data))
	obj, err := api.Builtin().Decode(data)
	if err != nil {
		panic(err)
	}
	fmt.Println(obj.GetObjectMeta().Name)
	// Output:
	// v1, Kind=Namespace
	// {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","generateName":"","namespace":"","selfLink":"","uid":"","resourceVersion":"","generation":0,"creationTimestamp":null},"spec":{},"status":{"phase":""}}
	// team-a
}
