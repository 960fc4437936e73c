// Package api is the registry of kinds that every generic layer of skiff reads: for each kind its
// group, version, kind, resource (plural), singular, short names, scope, subresources, Go type, and the
// hooks that default and validate it. The registry is also the JSON codec of objects.
//
// Kubernetes' own kinds live in the group packages (api/core, api/apps, api/rbac, api/coordination);
// a program adds its own kind from Go, with no generated code:
//
//	reg := api.NewRegistry()
//	err := api.Register(reg, api.KindSpec[*Widget]{
//		Group: "example.com", Version: "v1", Kind: "Widget",
//		Resource: "widgets", Namespaced: true,
//		Validate: validateWidget,
//	})
//	data, err := reg.Encode(&Widget{...}) // apiVersion and kind filled in
//	obj, err := reg.Decode(data)           // a *Widget
package api
