// Package discovery reads what an API server serves (its groups, the resources of each group
// version, its version) and maps what a kubectl user types to resources, as kubectl does, with
// kubectl's on-disk cache.
//
//	c, err := client.New(client.Config{Host: "https://127.0.0.1:6443", TLS: tlsCfg})
//	d := discovery.New(c, discovery.Options{CacheDir: filepath.Join(home, ".kube", "cache", "discovery")})
//	m := discovery.NewMapper(d)
//	mp, err := m.MappingFor(ctx, "deploy") // apps/v1 Deployment, resource "deployments", namespaced
//	if errors.Is(err, discovery.ErrNoMatch) {
//		// err says: the server doesn't have a resource type "deploy"
//	}
//	path := "/apis/" + mp.APIVersion() + "/namespaces/default/" + mp.Resource
//	v, err := d.ServerVersion(ctx) // v.GitVersion: "v1.32.0-skiff"
//
// The client asks for aggregated discovery (apidiscovery.k8s.io/v2), which gives everything in two
// requests (/api and /apis), and falls back to one request per group version on servers that do
// not serve it.
//
// The cache has kubectl's layout, a folder per server and a file per group version
// (<CacheDir>/<host_port>/servergroups.json, .../apps/v1/serverresources.json), written atomically,
// readable by the user only. A file is trusted for Options.TTL (DefaultTTL, kubectl's six hours)
// after it was fetched; an unreadable or corrupt file is refetched. A Mapper lookup that misses in
// cached data drops the cache and asks the server once more before it fails, so that a resource
// added since the cache was written is found without waiting for the TTL.
package discovery
