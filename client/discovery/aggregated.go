package discovery

import (
	apidiscovery "github.com/skiff-io/skiff/api/discovery"
	"github.com/skiff-io/skiff/api/meta"
)

// Aggregated discovery (apidiscovery.k8s.io/v2, and v2beta1 which has the same fields): /api and
// /apis answer with every group, version and resource at once, so that a cold cache costs two
// requests instead of one per group version. Servers that do not serve it answer the plain documents,
// which the client reads instead.

// acceptAggregated asks for aggregated discovery, and plain JSON from servers without it, in the
// order kubectl asks.
const acceptAggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList," +
	"application/json;q=0.9"

// convert returns the groups of an aggregated list as /apis lists them, and the resources of each
// group version as /api/v1 or /apis/<group>/<version> lists them, keyed by group version. Stale
// versions are listed without resources, so that they are asked for one by one; resources without
// a response kind are left out, as client-go leaves them out.
func convertAggregated(l *apidiscovery.APIGroupDiscoveryList) ([]APIGroup, map[string]*APIResourceList) {
	groups := make([]APIGroup, 0, len(l.Items))
	resources := map[string]*APIResourceList{}
	for _, ag := range l.Items {
		g := APIGroup{Name: ag.Name}
		for _, av := range ag.Versions {
			gv := meta.JoinAPIVersion(g.Name, av.Version)
			g.Versions = append(g.Versions, GroupVersionForDiscovery{GroupVersion: gv, Version: av.Version})
			if av.Freshness == "Stale" {
				continue
			}
			list := &APIResourceList{TypeMeta: meta.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv,
				APIResources: []APIResource{}}
			for _, ar := range av.Resources {
				if ar.ResponseKind == nil {
					continue
				}
				namespaced := ar.Scope == "Namespaced"
				r := APIResource{Name: ar.Resource, SingularName: ar.SingularResource, Namespaced: namespaced,
					Kind: ar.ResponseKind.Kind, Verbs: ar.Verbs, ShortNames: ar.ShortNames, Categories: ar.Categories}
				r.Group, r.Version = otherGroupVersion(ar.ResponseKind, g.Name, av.Version)
				list.APIResources = append(list.APIResources, r)
				for _, sub := range ar.Subresources {
					if sub.ResponseKind == nil {
						continue
					}
					s := APIResource{Name: ar.Resource + "/" + sub.Subresource, Namespaced: namespaced,
						Kind: sub.ResponseKind.Kind, Verbs: sub.Verbs}
					s.Group, s.Version = otherGroupVersion(sub.ResponseKind, g.Name, av.Version)
					list.APIResources = append(list.APIResources, s)
				}
			}
			resources[gv] = list
		}
		if len(g.Versions) == 0 {
			continue
		}
		g.PreferredVersion = g.Versions[0]
		groups = append(groups, g)
	}
	return groups, resources
}

// otherGroupVersion returns the group and version of k when they differ from the list's, as the
// plain resource lists name them; empty strings otherwise.
func otherGroupVersion(k *apidiscovery.GroupVersionKind, group, version string) (string, string) {
	if k.Group == group && k.Version == version {
		return "", ""
	}
	return k.Group, k.Version
}
