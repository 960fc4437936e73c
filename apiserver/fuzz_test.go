package apiserver_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/store/memdb"
)

// FuzzRequestBodies sends arbitrary bodies to create, update and every patch type: a client's
// mistake is never answered with a 5xx, and the server never panics.
func FuzzRequestBodies(f *testing.F) {
	reg := api.Builtin()
	st, err := memdb.Open(memdb.Options{Codec: reg})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	srv, err := apiserver.New(apiserver.Config{Registry: reg, Store: st})
	if err != nil {
		f.Fatal(err)
	}
	if err := srv.Bootstrap(context.Background()); err != nil {
		f.Fatal(err)
	}
	client := &http.Client{Transport: srv.Transport(nil)}
	seedPod := []byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}}`)
	if resp, err := client.Post("http://skiff/api/v1/namespaces/default/pods", "application/json", bytes.NewReader(seedPod)); err != nil || resp.StatusCode != 201 {
		f.Fatalf("seed pod: %v", err)
	}
	contentTypes := []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf",
		"application/merge-patch+json", "application/json-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"}
	f.Add(uint8(0), uint8(0), seedPod)
	f.Add(uint8(1), uint8(3), []byte(`{"metadata":{"labels":{"a":"b"}}}`))
	f.Add(uint8(1), uint8(4), []byte(`[{"op":"replace","path":"/spec/containers/0/image","value":"x"}]`))
	f.Add(uint8(1), uint8(5), []byte(`{"spec":{"containers":[{"name":"c","image":"y"}],"$setElementOrder/containers":[{"name":"c"}]}}`))
	f.Add(uint8(1), uint8(6), []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: z}]}\n"))
	f.Add(uint8(2), uint8(1), []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"))
	f.Add(uint8(0), uint8(2), []byte("k8s\x00\x0a\x0c\x0a\x02v1\x12\x03Pod"))
	f.Fuzz(func(t *testing.T, verb, ct uint8, body []byte) {
		var method, url string
		switch verb % 3 {
		case 0:
			method, url = "POST", "http://skiff/api/v1/namespaces/default/pods?fieldValidation=Strict"
		case 1:
			method, url = "PATCH", "http://skiff/api/v1/namespaces/default/pods/p?fieldManager=fuzz"
		default:
			method, url = "PUT", "http://skiff/api/v1/namespaces/default/pods/p"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentTypes[int(ct)%len(contentTypes)])
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s (%s) %q: %v", method, url, req.Header.Get("Content-Type"), body, err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s (%s): %d %s", method, url, req.Header.Get("Content-Type"), resp.StatusCode, out)
		}
	})
}
