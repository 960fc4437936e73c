package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/apierrors"
	apidiscovery "github.com/skiff-io/skiff/api/discovery"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// DefaultTTL is how long discovery documents are trusted: kubectl's default (--cache-ttl) since
// Kubernetes 1.24, when it was raised from 10 minutes because refetching every group version costs
// clusters with many CRDs hundreds of requests. A lookup that misses refetches anyway.
const DefaultTTL = 6 * time.Hour

// Options configure a Client. The zero value caches in memory only, for DefaultTTL.
type Options struct {
	// CacheDir is the parent of the per-server cache folders (kubectl's ~/.kube/cache/discovery);
	// empty keeps the documents in memory only.
	CacheDir string
	// TTL is how long a fetched document is trusted, in memory and on disk: DefaultTTL when zero;
	// when negative, every call asks the server.
	TTL time.Duration
	// Clock dates fetched documents and tells when they expire; the real clock when nil.
	Clock clock.PassiveClock
	// Logger receives what is worth knowing but not worth failing for: an ambiguous short name, a
	// corrupt or unwritable cache file. Nothing is logged when it is unset.
	Logger logr.Logger
}

// Client reads what an API server serves: its groups, the resources of each group version, and its
// version, caching the documents in memory and, with Options.CacheDir, on disk. It is safe for
// concurrent use.
//
// Documents it returns are shared with its cache and with other callers: do not modify them.
type Client struct {
	rest  *client.Client
	ttl   time.Duration
	clock clock.PassiveClock
	log   logr.Logger
	dir   string // this server's cache folder; "" when there is no disk cache

	mu        sync.Mutex
	groups    *entry[APIGroupList]
	resources map[string]*entry[APIResourceList] // by group version
	// failed remembers the group versions the server said it does not serve (or will not show),
	// so that lookups do not ask for them again and again; errors that may pass are not kept.
	failed map[string]failure
	// invalidated is set by Invalidate: files written before are no longer trusted, only those this
	// client has written since (ours), as client-go's disk cache does.
	invalidated bool
	ours        map[string]bool
}

// entry is a document and when it was fetched from the server. fromDisk says it was read from a
// cache file rather than fetched by this client, so a miss in it is worth a refetch.
type entry[T any] struct {
	val      *T
	fetched  time.Time
	fromDisk bool
}

// failure is an error of the server about a group version, and when it was given.
type failure struct {
	err     error
	fetched time.Time
}

// New returns a discovery client over c, caching as opts say.
func New(c *client.Client, opts Options) *Client {
	d := &Client{rest: c, ttl: opts.TTL, clock: opts.Clock, log: opts.Logger,
		resources: map[string]*entry[APIResourceList]{}, failed: map[string]failure{}, ours: map[string]bool{}}
	if d.ttl == 0 {
		d.ttl = DefaultTTL
	}
	if d.clock == nil {
		d.clock = clock.RealClock{}
	}
	if d.log.GetSink() == nil {
		d.log = logr.Discard()
	}
	if opts.CacheDir != "" {
		d.dir = hostDir(opts.CacheDir, c.Host())
	}
	return d
}

// CacheDir returns the folder this client's cache files are in, "" when there is no disk cache.
func (d *Client) CacheDir() string { return d.dir }

// Invalidate forgets every cached document: the next call of each method asks the server, and
// cache files are trusted again only once this client has rewritten them.
func (d *Client) Invalidate() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.groups = nil
	d.resources = map[string]*entry[APIResourceList]{}
	d.failed = map[string]failure{}
	d.invalidated = true
	d.ours = map[string]bool{}
}

// expired reports whether a document fetched at t is too old to use. d.mu need not be held.
func (d *Client) expired(t time.Time) bool {
	return d.ttl < 0 || d.clock.Now().After(t.Add(d.ttl))
}

// ServerGroups returns the groups the server serves, the core group first (named ""), then the
// others in the order the server lists them.
func (d *Client) ServerGroups(ctx context.Context) (*APIGroupList, error) {
	e, err := d.groupList(ctx)
	if err != nil {
		return nil, err
	}
	return e.val, nil
}

// ServerResourcesForGroupVersion returns the resources and subresources of one group version,
// "v1" or "apps/v1". A group version the server does not serve is an error that
// apierrors.IsNotFound recognizes.
func (d *Client) ServerResourcesForGroupVersion(ctx context.Context, groupVersion string) (*APIResourceList, error) {
	e, err := d.cachedResources(groupVersion)
	if err != nil {
		return nil, err
	}
	if e != nil {
		return e.val, nil
	}
	e, err = d.fetchResourceList(ctx, groupVersion)
	if err != nil {
		return nil, err
	}
	return e.val, nil
}

// ErrGroupDiscoveryFailed is wrapped by the error of ServerGroupsAndResources when the resources of
// some group versions could not be read (an aggregated API server that is down, say). The error
// itself says what kubectl says: "unable to retrieve the complete list of server APIs: ...".
var ErrGroupDiscoveryFailed = errors.New("discovery: group discovery failed")

// GroupDiscoveryFailedError says which group versions could not be discovered, and why. It wraps
// ErrGroupDiscoveryFailed and each group version's error.
type GroupDiscoveryFailedError struct {
	// Groups maps a group version ("metrics.k8s.io/v1beta1") to its error.
	Groups map[string]error
}

func (e *GroupDiscoveryFailedError) Error() string {
	gvs := make([]string, 0, len(e.Groups))
	for gv := range e.Groups {
		gvs = append(gvs, gv)
	}
	sort.Strings(gvs)
	parts := make([]string, len(gvs))
	for i, gv := range gvs {
		parts[i] = gv + ": " + e.Groups[gv].Error()
	}
	return "unable to retrieve the complete list of server APIs: " + strings.Join(parts, ", ")
}

func (e *GroupDiscoveryFailedError) Unwrap() []error {
	out := []error{ErrGroupDiscoveryFailed}
	for _, err := range e.Groups {
		out = append(out, err)
	}
	return out
}

// ServerGroupsAndResources returns the groups and the resource list of every version of every
// group, in the order of the groups and their versions. When some group versions fail, the lists of
// the others are returned with a *GroupDiscoveryFailedError.
func (d *Client) ServerGroupsAndResources(ctx context.Context) (*APIGroupList, []*APIResourceList, error) {
	groups, lists, _, err := d.all(ctx)
	return groups, lists, err
}

// all is ServerGroupsAndResources, and says whether every document came from the server rather
// than from a cache file: only then is a lookup that misses known not to be out of date.
func (d *Client) all(ctx context.Context) (*APIGroupList, []*APIResourceList, bool, error) {
	ge, err := d.groupList(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	fresh := !ge.fromDisk
	var gvs []string
	for _, g := range ge.val.Groups {
		for _, v := range g.Versions {
			gvs = append(gvs, v.GroupVersion)
		}
	}
	lists := make([]*APIResourceList, len(gvs))
	errs := make([]error, len(gvs))
	var wg sync.WaitGroup
	for i, gv := range gvs {
		if e, err := d.cachedResources(gv); e != nil || err != nil {
			if err != nil {
				errs[i] = err
			} else {
				lists[i], fresh = e.val, fresh && !e.fromDisk
			}
			continue
		}
		// As client-go does, the missing group versions are fetched in parallel: a server without
		// aggregated discovery and with many CRDs would otherwise take seconds.
		wg.Go(func() {
			e, err := d.fetchResourceList(ctx, gv)
			if err != nil {
				errs[i] = err
				return
			}
			lists[i] = e.val
		})
	}
	wg.Wait()
	out := lists[:0]
	var failed map[string]error
	for i, l := range lists {
		if l != nil {
			out = append(out, l)
			continue
		}
		if failed == nil {
			failed = map[string]error{}
		}
		failed[gvs[i]] = errs[i]
	}
	if failed != nil {
		return ge.val, out, fresh, &GroupDiscoveryFailedError{Groups: failed}
	}
	return ge.val, out, fresh, nil
}

// ServerVersion returns what /version answers. It is never cached: it is one small request, and
// callers ask it to learn what the server is now.
func (d *Client) ServerVersion(ctx context.Context) (*VersionInfo, error) {
	b, err := d.rest.Do(ctx, client.Request{Path: "/version"})
	if err != nil {
		return nil, fmt.Errorf("discovery: the server's version: %w", err)
	}
	var v VersionInfo
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("discovery: decoding the server's version: %w", err)
	}
	return &v, nil
}

// groupList returns the group list from memory, a cache file, or the server, in that order.
func (d *Client) groupList(ctx context.Context) (*entry[APIGroupList], error) {
	d.mu.Lock()
	if e := d.groups; e != nil && !d.expired(e.fetched) {
		d.mu.Unlock()
		return e, nil
	}
	var list APIGroupList
	if at, ok := d.readFile(d.groupsFile(), &list, func() bool { return validGroups(&list) }); ok {
		e := &entry[APIGroupList]{val: &list, fetched: at, fromDisk: true}
		d.groups = e
		d.mu.Unlock()
		return e, nil
	}
	d.mu.Unlock()

	groups, resources, err := d.fetchGroups(ctx)
	if err != nil {
		return nil, err
	}
	now := d.clock.Now()
	d.mu.Lock()
	defer d.mu.Unlock()
	e := &entry[APIGroupList]{val: groups, fetched: now}
	d.groups = e
	d.writeFile(d.groupsFile(), groups, now)
	// Aggregated discovery brought every group version's resources along: cache them as if each
	// had been asked for, as client-go does.
	for gv, list := range resources {
		d.resources[gv] = &entry[APIResourceList]{val: list, fetched: now}
		delete(d.failed, gv)
		d.writeFile(d.resourcesFile(gv), list, now)
	}
	return e, nil
}

// cachedResources returns a group version's resources from memory or a cache file, or the error
// the server gave for it; neither when it must be asked.
func (d *Client) cachedResources(gv string) (*entry[APIResourceList], error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e := d.resources[gv]; e != nil && !d.expired(e.fetched) {
		return e, nil
	}
	if f, ok := d.failed[gv]; ok && !d.expired(f.fetched) {
		return nil, f.err
	}
	var list APIResourceList
	at, ok := d.readFile(d.resourcesFile(gv), &list, func() bool {
		return list.Kind == "APIResourceList" && list.GroupVersion == gv
	})
	if !ok {
		return nil, nil
	}
	e := &entry[APIResourceList]{val: &list, fetched: at, fromDisk: true}
	d.resources[gv] = e
	return e, nil
}

// fetchResourceList asks the server for a group version's resources and caches them.
func (d *Client) fetchResourceList(ctx context.Context, gv string) (*entry[APIResourceList], error) {
	group, version := meta.SplitAPIVersion(gv)
	if version == "" || strings.Contains(version, "/") {
		return nil, fmt.Errorf("discovery: %q is not a group version", gv)
	}
	path := "/apis/" + gv
	if group == "" {
		path = "/api/" + version
	}
	b, err := d.rest.Do(ctx, client.Request{Path: path})
	if err != nil {
		err = fmt.Errorf("discovery: the resources of %s: %w", gv, err)
		if lasting(err) {
			d.mu.Lock()
			d.failed[gv] = failure{err: err, fetched: d.clock.Now()}
			d.mu.Unlock()
		}
		return nil, err
	}
	var list APIResourceList
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("discovery: decoding the resources of %s: %w", gv, err)
	}
	// Some servers leave out what the path already says; the cache file must say it.
	list.Kind, list.APIVersion, list.GroupVersion = "APIResourceList", "v1", gv
	now := d.clock.Now()
	e := &entry[APIResourceList]{val: &list, fetched: now}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.resources[gv] = e
	delete(d.failed, gv)
	d.writeFile(d.resourcesFile(gv), &list, now)
	return e, nil
}

// fetchGroups asks /api and /apis for the groups, and, from servers that serve aggregated
// discovery, for every group version's resources too (nil otherwise).
func (d *Client) fetchGroups(ctx context.Context) (*APIGroupList, map[string]*APIResourceList, error) {
	out := &APIGroupList{TypeMeta: meta.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: []APIGroup{}}
	resources := map[string]*APIResourceList{}
	for _, path := range []string{"/api", "/apis"} {
		b, err := d.rest.Do(ctx, client.Request{Path: path, Accept: acceptAggregated})
		if err != nil {
			// As client-go: a server without the legacy API (or a user who may not see it) is not
			// an error, only a server with fewer groups.
			if apierrors.IsNotFound(err) || apierrors.IsForbidden(err) {
				continue
			}
			return nil, nil, fmt.Errorf("discovery: the server's groups (%s): %w", path, err)
		}
		groups, res, err := decodeGroups(path, b)
		if err != nil {
			return nil, nil, err
		}
		for _, g := range groups {
			if (g.Name == "") != (path == "/api") || len(g.Versions) == 0 {
				continue // the core group only from /api, named groups only from /apis
			}
			out.Groups = append(out.Groups, g)
		}
		for gv, l := range res {
			resources[gv] = l
		}
	}
	return out, resources, nil
}

// decodeGroups reads what /api or /apis answered: an aggregated list, APIVersions or APIGroupList.
func decodeGroups(path string, b []byte) ([]APIGroup, map[string]*APIResourceList, error) {
	var tm meta.TypeMeta
	if err := json.Unmarshal(b, &tm); err != nil {
		return nil, nil, fmt.Errorf("discovery: decoding %s: %w", path, err)
	}
	if apidiscovery.IsAggregated(tm) {
		var l apidiscovery.APIGroupDiscoveryList
		if err := json.Unmarshal(b, &l); err != nil {
			return nil, nil, fmt.Errorf("discovery: decoding %s: %w", path, err)
		}
		groups, res := convertAggregated(&l)
		return groups, res, nil
	}
	if path == "/api" {
		var v APIVersions
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, nil, fmt.Errorf("discovery: decoding %s: %w", path, err)
		}
		g := APIGroup{Name: "", Versions: []GroupVersionForDiscovery{}}
		for _, ver := range v.Versions {
			g.Versions = append(g.Versions, GroupVersionForDiscovery{GroupVersion: ver, Version: ver})
		}
		if len(g.Versions) > 0 {
			g.PreferredVersion = g.Versions[0]
		}
		return []APIGroup{g}, nil, nil
	}
	var l APIGroupList
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, nil, fmt.Errorf("discovery: decoding %s: %w", path, err)
	}
	for i := range l.Groups {
		// The groups of /apis carry no TypeMeta of their own; drop what a server may have sent so
		// that both ways of discovering give equal lists.
		l.Groups[i].TypeMeta = meta.TypeMeta{}
	}
	return l.Groups, nil, nil
}

// validGroups reports whether a group list read from a file is one this client could have written.
func validGroups(l *APIGroupList) bool {
	if l.Kind != "APIGroupList" {
		return false
	}
	for _, g := range l.Groups {
		if len(g.Versions) == 0 {
			return false
		}
		for _, v := range g.Versions {
			if v.Version == "" || v.GroupVersion != meta.JoinAPIVersion(g.Name, v.Version) {
				return false
			}
		}
	}
	return true
}

// lasting reports whether the server's refusal to list a group version will hold until the server
// changes (404, 403: remembered like a document, for the TTL or until Invalidate), as client-go's
// memory cache decides; 5xx, 429 and failures to reach the server may pass at the next call.
func lasting(err error) bool {
	var st *meta.Status
	if !errors.As(err, &st) {
		return false
	}
	return st.Code >= 400 && st.Code < 500 && st.Code != http.StatusTooManyRequests
}
