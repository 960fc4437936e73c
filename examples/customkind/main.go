// Command customkind shows a user's own kind served by skiff's API server with no generated code:
// a Go type, one api.Register call, and the server gives it REST, watch, discovery, OpenAPI and a
// table, exactly as for Kubernetes' kinds.
//
//	go run ./examples/customkind
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/store/memdb"
)

// Widget is the custom kind: any struct that embeds TypeMeta and ObjectMeta and can copy itself.
type Widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            WidgetSpec `json:"spec"`
}

// WidgetSpec is what a Widget asks for.
type WidgetSpec struct {
	Color string `json:"color"`
	Size  int32  `json:"size"`
}

// DeepCopyObject makes Widget a meta.Object. (cmd/deepcopy-gen writes these for larger types.)
func (w *Widget) DeepCopyObject() meta.Object {
	c := *w
	w.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

func validateWidget(w *Widget) field.ErrorList {
	errs := meta.ValidateObjectMeta(&w.ObjectMeta, true, validation.NameIsDNSSubdomain, field.NewPath("metadata"))
	if w.Spec.Size <= 0 {
		errs = append(errs, field.Invalid(field.NewPath("spec", "size"), w.Spec.Size, "must be positive"))
	}
	return errs
}

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "customkind:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	reg := api.Builtin()
	if err := api.Register(reg, api.KindSpec[*Widget]{
		Group: "example.com", Version: "v1", Kind: "Widget", Namespaced: true, ShortNames: []string{"wd"},
		Validate: validateWidget,
	}); err != nil {
		return err
	}
	st, err := memdb.Open(memdb.Options{Codec: reg})
	if err != nil {
		return err
	}
	defer st.Close()
	srv, err := apiserver.New(apiserver.Config{Registry: reg, Store: st})
	if err != nil {
		return err
	}
	if err := srv.Bootstrap(context.Background()); err != nil {
		return err
	}
	// The in-process transport runs the whole request path without a socket.
	c := &http.Client{Transport: srv.Transport(nil)}
	call := func(method, path, body string, accept string) (int, []byte, error) {
		req, _ := http.NewRequest(method, "http://skiff"+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		return resp.StatusCode, data, err
	}

	code, body, err := call("GET", "/apis/example.com/v1", "", "")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "discovery, GET /apis/example.com/v1: %d %s", code, body)
	for _, w := range []string{`{"metadata":{"name":"small"},"spec":{"color":"red","size":1}}`, `{"metadata":{"name":"big"},"spec":{"color":"blue","size":10}}`} {
		if code, body, err = call("POST", "/apis/example.com/v1/namespaces/default/widgets", w, ""); err != nil {
			return err
		}
		if code != http.StatusCreated {
			return fmt.Errorf("create: %d %s", code, body)
		}
	}
	fmt.Fprintln(out, "created widgets small and big")
	code, body, err = call("POST", "/apis/example.com/v1/namespaces/default/widgets", `{"metadata":{"name":"bad"},"spec":{"size":0}}`, "")
	if err != nil {
		return err
	}
	var st2 meta.Status
	json.Unmarshal(body, &st2)
	fmt.Fprintf(out, "an invalid widget: %d %s\n", code, st2.Message)
	code, body, err = call("GET", "/apis/example.com/v1/namespaces/default/widgets", "", "application/json;as=Table;v=v1;g=meta.k8s.io")
	if err != nil {
		return err
	}
	var table struct {
		Rows []struct {
			Cells []any `json:"cells"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(body, &table); err != nil {
		return err
	}
	fmt.Fprintf(out, "kubectl get widgets would print %d rows:", len(table.Rows))
	for _, r := range table.Rows {
		fmt.Fprintf(out, " %v", r.Cells[0])
	}
	fmt.Fprintln(out)
	return nil
}
