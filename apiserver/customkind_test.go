package apiserver_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver"
)

// Gadget is a user's own kind: a Go type, a registration, and nothing else.
type Gadget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            GadgetSpec   `json:"spec,omitempty"`
	Status          GadgetStatus `json:"status,omitempty"`
}

type GadgetSpec struct {
	Size int32 `json:"size"`
}

type GadgetStatus struct {
	Ready bool `json:"ready,omitempty"`
}

func (g *Gadget) DeepCopyObject() meta.Object {
	c := *g
	g.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

func TestCustomKind(t *testing.T) {
	ts := newTestServer(t, func(c *apiserver.Config) {
		err := api.Register(c.Registry, api.KindSpec[*Gadget]{
			Group: "example.com", Version: "v1", Kind: "Gadget", Namespaced: true, ShortNames: []string{"gd"},
			Subresources: []string{"status"},
			Validate: func(g *Gadget) field.ErrorList {
				errs := meta.ValidateObjectMeta(&g.ObjectMeta, true, func(string, bool) []string { return nil }, field.NewPath("metadata"))
				if g.Spec.Size < 0 {
					errs = append(errs, field.Invalid(field.NewPath("spec", "size"), g.Spec.Size, "must not be negative"))
				}
				return errs
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	// Discovery lists it.
	apis := ts.mustDo(200, "GET", "/apis", "")
	if !strings.Contains(fmt.Sprint(apis["groups"]), "example.com") {
		t.Errorf("/apis lacks example.com: %v", apis["groups"])
	}
	res := ts.mustDo(200, "GET", "/apis/example.com/v1", "")
	if get(res, "resources", 0, "name") != "gadgets" || get(res, "resources", 0, "kind") != "Gadget" || get(res, "resources", 1, "name") != "gadgets/status" {
		t.Errorf("resources: %v", res["resources"])
	}
	// REST.
	ch, stop := ts.watch("/apis/example.com/v1/namespaces/default/gadgets?watch=true&resourceVersion=1")
	defer stop()
	g := ts.mustDo(201, "POST", "/apis/example.com/v1/namespaces/default/gadgets", `{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g1"},"spec":{"size":3},"status":{"ready":true}}`)
	if get(g, "metadata", "generation") != 1.0 || get(g, "status", "ready") != nil {
		t.Errorf("create: generation %v status %v", get(g, "metadata", "generation"), g["status"])
	}
	if r := ts.do("POST", "/apis/example.com/v1/namespaces/default/gadgets", `{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g2"},"spec":{"size":-1}}`); r.code != 422 || !strings.Contains(string(r.body), `Gadget.example.com \"g2\" is invalid: spec.size`) {
		t.Errorf("validation: %d %s", r.code, r.body)
	}
	if ev := nextEvent(t, ch); ev["type"] != "ADDED" || get(ev, "object", "kind") != "Gadget" {
		t.Errorf("watch: %v", ev)
	}
	list := ts.mustDo(200, "GET", "/apis/example.com/v1/gadgets", "")
	if list["kind"] != "GadgetList" || len(list["items"].([]any)) != 1 {
		t.Errorf("list: %v", list)
	}
	// Tables: the default NAME / Created At table.
	tbl := ts.mustDo(200, "GET", "/apis/example.com/v1/namespaces/default/gadgets", "", "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	if tbl["kind"] != "Table" || get(tbl, "columnDefinitions", 0, "name") != "Name" || get(tbl, "rows", 0, "cells", 0) != "g1" {
		t.Errorf("table: %v", tbl)
	}
}
