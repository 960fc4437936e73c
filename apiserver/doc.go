// Package apiserver is the HTTP front of the control plane: Kubernetes' REST API (resources,
// subresources, watch, patch, server-side apply, tables, discovery, OpenAPI), generic over the kinds
// of an api.Registry and built on a store.Store, behind a filter chain in Kubernetes' order: panic
// recovery, request info, authentication, audit, authorization, max-in-flight, timeout.
//
// Real kubectl and client-go work against it. Tests and embedded clusters reach it without sockets
// through Transport, which runs the same request path in process.
//
//	srv, err := apiserver.New(apiserver.Config{Registry: api.Builtin(), Store: st})
//	if err != nil {
//		return err
//	}
//	if err := srv.Bootstrap(ctx); err != nil { // default, kube-system, kube-public, kube-node-lease
//		return err
//	}
//	http.ListenAndServeTLS(":6443", "apiserver.crt", "apiserver.key", srv.Handler())
//	// or, in a test: client := &http.Client{Transport: srv.Transport(nil)}
package apiserver
