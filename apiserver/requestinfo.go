package apiserver

import (
	"context"
	"net/http"
	"strings"

	"github.com/skiff-io/skiff/api/fields"
)

// RequestInfo is what a request is about, computed from its method, path and query as
// kube-apiserver's RequestInfoFactory computes it. Authorization, audit, max-in-flight and the REST
// handlers all read it.
type RequestInfo struct {
	// IsResourceRequest is false for non-resource paths (/healthz, /version, /api, /apis, /openapi/...).
	IsResourceRequest bool
	Path              string
	// Verb: get, list, watch, create, update, patch, delete, deletecollection for resource
	// requests; the lower-case HTTP method otherwise.
	Verb        string
	APIPrefix   string // "api" or "apis"
	APIGroup    string
	APIVersion  string
	Namespace   string
	Resource    string
	Subresource string
	Name        string
	// Parts are the path segments after the version and namespace: resource, name, subresource, ...
	Parts []string
}

// namespaceSubresources are the subresources of a namespace itself, as opposed to resources inside
// it: /api/v1/namespaces/x/status is namespace x's status, /api/v1/namespaces/x/pods is its pods.
var namespaceSubresources = map[string]bool{"status": true, "finalize": true}

// NewRequestInfo parses a request.
func NewRequestInfo(r *http.Request) *RequestInfo {
	ri := &RequestInfo{Path: r.URL.Path, Verb: strings.ToLower(r.Method)}
	parts := splitPath(r.URL.Path)
	if len(parts) < 2 || (parts[0] != "api" && parts[0] != "apis") {
		return ri
	}
	ri.APIPrefix = parts[0]
	rest := parts[1:]
	if ri.APIPrefix == "apis" {
		if len(rest) < 2 {
			return ri // /apis/<group> is discovery
		}
		ri.APIGroup, rest = rest[0], rest[1:]
	}
	ri.APIVersion, rest = rest[0], rest[1:]
	if len(rest) == 0 {
		return ri // /api/v1, /apis/<group>/<version>: discovery
	}
	ri.IsResourceRequest = true
	switch r.Method {
	case http.MethodPost:
		ri.Verb = "create"
	case http.MethodGet, http.MethodHead:
		ri.Verb = "get"
	case http.MethodPut:
		ri.Verb = "update"
	case http.MethodPatch:
		ri.Verb = "patch"
	case http.MethodDelete:
		ri.Verb = "delete"
	default:
		ri.Verb = ""
	}
	// The deprecated /watch/ prefix: /api/v1/watch/namespaces/x/pods.
	if rest[0] == "watch" {
		ri.Verb = "watch"
		rest = rest[1:]
		if len(rest) == 0 {
			ri.IsResourceRequest = false
			return ri
		}
	}
	if rest[0] == "namespaces" {
		if len(rest) > 1 {
			ri.Namespace = rest[1]
			if len(rest) > 2 && !namespaceSubresources[rest[2]] {
				rest = rest[2:]
			}
		}
	}
	ri.Parts = rest
	switch {
	case len(rest) >= 3:
		ri.Subresource = rest[2]
		fallthrough
	case len(rest) == 2:
		ri.Name = rest[1]
		fallthrough
	case len(rest) == 1:
		ri.Resource = rest[0]
	}
	if ri.Name == "" {
		switch ri.Verb {
		case "get":
			ri.Verb = "list"
		case "delete":
			ri.Verb = "deletecollection"
		}
	}
	if ri.Verb == "list" || (ri.Verb == "get" && ri.Name != "") {
		if w := r.URL.Query().Get("watch"); w == "true" || w == "1" {
			ri.Verb = "watch"
		}
	}
	// A list or watch of one object by name, as kubelets watch the secrets of their pods, names the
	// object, so that authorizers can allow it for that object alone (as Kubernetes does).
	if (ri.Verb == "list" || ri.Verb == "watch") && ri.Name == "" {
		if name, ok := nameFromFieldSelector(r.URL.Query().Get("fieldSelector")); ok {
			ri.Name = name
		}
	}
	return ri
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

type requestInfoKey struct{}

// contextWithRequestInfo returns ctx carrying ri.
func contextWithRequestInfo(ctx context.Context, ri *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, ri)
}

// RequestInfoFrom returns the RequestInfo the filter chain attached to ctx.
func RequestInfoFrom(ctx context.Context) (*RequestInfo, bool) {
	ri, ok := ctx.Value(requestInfoKey{}).(*RequestInfo)
	return ri, ok
}

// IsLongRunning reports requests that stay open: watches, and streaming subresources. They are
// exempt from the request timeout and the in-flight limits, as in kube-apiserver.
func (ri *RequestInfo) IsLongRunning() bool {
	if ri.Verb == "watch" {
		return true
	}
	switch ri.Subresource {
	case "log", "exec", "attach", "portforward", "proxy":
		return true
	}
	return false
}

// IsMutating reports requests that change state.
func (ri *RequestInfo) IsMutating() bool {
	switch ri.Verb {
	case "create", "update", "patch", "delete", "deletecollection", "post", "put":
		return true
	}
	return false
}

// nameFromFieldSelector returns X when the selector is exactly metadata.name=X (or ==X).
func nameFromFieldSelector(sel string) (string, bool) {
	if sel == "" {
		return "", false
	}
	fs, err := fields.ParseSelector(sel)
	if err != nil {
		return "", false
	}
	reqs := fs.Requirements()
	if len(reqs) != 1 {
		return "", false
	}
	return fs.RequiresExactMatch("metadata.name")
}
