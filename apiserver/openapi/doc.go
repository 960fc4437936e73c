// Package openapi builds and serves the OpenAPI documents of skiff's API server, so that kubectl
// (1.27 and later) can explain every kind, validate manifests against their schemas and compute
// strategic merge patches for kubectl apply, without --validate=false.
//
// The schemas are built by reflection from the Go type of each kind of an api.Registry, following
// encoding/json's rules (field names from json tags, inlined embedded structs, omitempty fields not
// required), with the special JSON forms of meta.Time, meta.MicroTime, resource.Quantity,
// intstr.IntOrString, meta.FieldsV1 and []byte. The struct tags Kubernetes spells as markers become
// extensions: patchStrategy and patchMergeKey (which kubectl apply merges by), listType and
// listMapKeys, mapType and structType, and default. Doc comments of skiff's API packages are the
// descriptions (zz_generated.docs.go; `go generate` after changing them). Definitions are named as
// kube-apiserver names them (io.k8s.api.apps.v1.Deployment); a user's kinds are named from their Go
// package (com.example.widgets.v1.Widget). The paths are the REST operations kube-apiserver serves
// for each kind, with the query parameters it documents; kubectl reads the fieldValidation
// parameter of PATCH operations to learn that the server validates fields itself.
//
// A Builder serves /openapi/v2 (JSON, or protobuf as kubectl asks for it), /openapi/v3 and
// /openapi/v3/<group version> as kube-apiserver does:
//
//	reg := api.Builtin()
//	_ = api.Register(reg, api.KindSpec[*v1.Widget]{Group: "example.com", Version: "v1", Kind: "Widget"})
//	docs := openapi.New(reg, openapi.Info{Version: "v1.32.0-skiff"})
//	mux := http.NewServeMux()
//	mux.Handle("/openapi/", docs.Handler())
//
// The documents are built once, on first use, from the kinds registered by then.
package openapi
