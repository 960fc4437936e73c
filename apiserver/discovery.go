package apiserver

import (
	"mime"
	"net"
	"net/http"
	"sort"
	"strings"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/discovery"
	"github.com/skiff-io/skiff/api/meta"
)

// The discovery documents, with Kubernetes' JSON, are api/discovery's; the names stay here for
// the server's users.
type (
	APIVersions               = discovery.APIVersions
	ServerAddressByClientCIDR = discovery.ServerAddressByClientCIDR
	APIGroupList              = discovery.APIGroupList
	APIGroup                  = discovery.APIGroup
	GroupVersionForDiscovery  = discovery.GroupVersionForDiscovery
	APIResourceList           = discovery.APIResourceList
	APIResource               = discovery.APIResource
	APIGroupDiscoveryList     = discovery.APIGroupDiscoveryList
	APIGroupDiscovery         = discovery.APIGroupDiscovery
	APIVersionDiscovery       = discovery.APIVersionDiscovery
	APIResourceDiscovery      = discovery.APIResourceDiscovery
	APISubresourceDiscovery   = discovery.APISubresourceDiscovery
	GroupVersionKind          = discovery.GroupVersionKind
)

var defaultVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// kindVerbs returns the verbs a kind's main resource serves.
func kindVerbs(k *api.Kind) []string {
	if len(k.Verbs) > 0 {
		return k.Verbs
	}
	if k.Group == "" && k.Kind == "Binding" {
		return []string{"create"}
	}
	return defaultVerbs
}

// subresourceInfo returns what a subresource answers with and which verbs it serves.
func subresourceInfo(k *api.Kind, sub string) (GroupVersionKind, []string) {
	self := GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}
	switch sub {
	case "status", "ephemeralcontainers", "resize":
		return self, []string{"get", "patch", "update"}
	case "scale":
		return GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, []string{"get", "patch", "update"}
	case "binding":
		return GroupVersionKind{Version: "v1", Kind: "Binding"}, []string{"create"}
	case "eviction":
		return GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}, []string{"create"}
	case "log":
		return GroupVersionKind{Version: "v1", Kind: "Pod"}, []string{"get"}
	case "exec", "attach", "portforward":
		return GroupVersionKind{Version: "v1", Kind: "PodExecOptions"}, []string{"create", "get"}
	case "finalize":
		return self, []string{"update"}
	case "token":
		return GroupVersionKind{Group: "authentication.k8s.io", Version: "v1", Kind: "TokenRequest"}, []string{"create"}
	case "proxy":
		return GroupVersionKind{Version: "v1", Kind: k.Kind + "ProxyOptions"}, []string{"create", "delete", "get", "patch", "update"}
	}
	return self, []string{"get"}
}

func (s *Server) serverAddresses(r *http.Request) []ServerAddressByClientCIDR {
	host := r.Host
	if _, _, err := net.SplitHostPort(host); err != nil && host != "" {
		host = net.JoinHostPort(host, "443")
	}
	return []ServerAddressByClientCIDR{{ClientCIDR: "0.0.0.0/0", ServerAddress: host}}
}

// aggregatedVersion returns "v2" or "v2beta1" when the client asks for aggregated discovery.
func aggregatedVersion(r *http.Request) string {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if mt == mediaJSON && params["g"] == "apidiscovery.k8s.io" && params["as"] == "APIGroupDiscoveryList" &&
			(params["v"] == "v2" || params["v"] == "v2beta1") {
			return params["v"]
		}
		if mt == mediaJSON && params["as"] == "" {
			return "" // the client prefers plain discovery
		}
	}
	return ""
}

func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request, ri *RequestInfo) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeStatusRaw(w, apierrors.NewMethodNotSupported(apierrors.GroupResource{}, r.Method))
		return
	}
	parts := splitPath(r.URL.Path)
	switch {
	case len(parts) == 1 && parts[0] == "api":
		if v := aggregatedVersion(r); v != "" {
			s.writeAggregated(w, v, true)
			return
		}
		writeJSON(w, output{}, http.StatusOK, APIVersions{TypeMeta: meta.TypeMeta{Kind: "APIVersions"},
			Versions: []string{"v1"}, ServerAddressByClientCIDRs: s.serverAddresses(r)})
	case len(parts) == 1 && parts[0] == "apis":
		if v := aggregatedVersion(r); v != "" {
			s.writeAggregated(w, v, false)
			return
		}
		list := APIGroupList{TypeMeta: meta.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: []APIGroup{}}
		for _, g := range s.groups {
			if g.name != "" {
				list.Groups = append(list.Groups, s.apiGroup(g))
			}
		}
		writeJSON(w, output{}, http.StatusOK, list)
	case len(parts) == 2 && parts[0] == "apis":
		for _, g := range s.groups {
			if g.name == parts[1] {
				ag := s.apiGroup(g)
				ag.TypeMeta = meta.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}
				writeJSON(w, output{}, http.StatusOK, ag)
				return
			}
		}
		writeStatusRaw(w, apierrors.NewNotFoundPath())
	case len(parts) == 2 && parts[0] == "api", len(parts) == 3 && parts[0] == "apis":
		list, ok := s.resourceList(ri.APIGroup, ri.APIVersion)
		if !ok {
			writeStatusRaw(w, apierrors.NewNotFoundPath())
			return
		}
		writeJSON(w, output{}, http.StatusOK, list)
	default:
		writeStatusRaw(w, apierrors.NewNotFoundPath())
	}
}

func (s *Server) apiGroup(g apiGroup) APIGroup {
	ag := APIGroup{Name: g.name}
	for _, v := range g.versions {
		ag.Versions = append(ag.Versions, GroupVersionForDiscovery{GroupVersion: g.name + "/" + v, Version: v})
	}
	ag.PreferredVersion = ag.Versions[0]
	return ag
}

func (s *Server) kindsIn(group, version string) []*api.Kind {
	var out []*api.Kind
	for key, k := range s.resources {
		if key.group == group && key.version == version {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}

func (s *Server) resourceList(group, version string) (APIResourceList, bool) {
	kinds := s.kindsIn(group, version)
	if len(kinds) == 0 {
		return APIResourceList{}, false
	}
	list := APIResourceList{TypeMeta: meta.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
		GroupVersion: meta.JoinAPIVersion(group, version)}
	for _, k := range kinds {
		list.APIResources = append(list.APIResources, APIResource{
			Name: k.Resource, SingularName: k.Singular, Namespaced: k.Namespaced, Kind: k.Kind,
			Verbs: kindVerbs(k), ShortNames: k.ShortNames, Categories: k.Categories,
		})
		for _, sub := range k.Subresources {
			rk, verbs := subresourceInfo(k, sub)
			ar := APIResource{Name: k.Resource + "/" + sub, Namespaced: k.Namespaced, Kind: rk.Kind, Verbs: verbs}
			if rk.Group != k.Group || rk.Version != k.Version {
				ar.Group, ar.Version = rk.Group, rk.Version
			}
			list.APIResources = append(list.APIResources, ar)
		}
	}
	return list, true
}

func (s *Server) writeAggregated(w http.ResponseWriter, version string, core bool) {
	list := APIGroupDiscoveryList{TypeMeta: meta.TypeMeta{Kind: "APIGroupDiscoveryList", APIVersion: "apidiscovery.k8s.io/" + version},
		Items: []APIGroupDiscovery{}}
	for _, g := range s.groups {
		if (g.name == "") != core {
			continue
		}
		gd := APIGroupDiscovery{ObjectMeta: meta.ObjectMeta{Name: g.name}}
		for _, v := range g.versions {
			vd := APIVersionDiscovery{Version: v, Freshness: "Current"}
			for _, k := range s.kindsIn(g.name, v) {
				scope := "Cluster"
				if k.Namespaced {
					scope = "Namespaced"
				}
				rd := APIResourceDiscovery{Resource: k.Resource, ResponseKind: &GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind},
					Scope: scope, SingularResource: k.Singular, Verbs: kindVerbs(k), ShortNames: k.ShortNames, Categories: k.Categories}
				for _, sub := range k.Subresources {
					rk, verbs := subresourceInfo(k, sub)
					rd.Subresources = append(rd.Subresources, APISubresourceDiscovery{Subresource: sub, ResponseKind: &rk, Verbs: verbs})
				}
				vd.Resources = append(vd.Resources, rd)
			}
			gd.Versions = append(gd.Versions, vd)
		}
		list.Items = append(list.Items, gd)
	}
	w.Header().Set("Content-Type", "application/json;g=apidiscovery.k8s.io;v="+version+";as=APIGroupDiscoveryList")
	w.Header().Set("Vary", "Accept")
	data, err := jsonMarshal(list)
	if err != nil {
		writeStatusRaw(w, apierrors.NewInternalError(err))
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}
