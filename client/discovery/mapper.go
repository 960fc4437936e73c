package discovery

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/go-logr/logr"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

// Mapping is where a kind is served: its group, version and kind, and the resource (plural) in the
// REST paths of that group version.
type Mapping struct {
	Group, Version, Kind string
	// Resource is the plural, lower-case name in REST paths ("deployments").
	Resource string
	// Namespaced is false for cluster-scoped resources (nodes, namespaces, clusterroles).
	Namespaced bool
}

// GroupVersionKind returns the mapping's kind with its group and version.
func (m Mapping) GroupVersionKind() api.GroupVersionKind {
	return api.GroupVersionKind{Group: m.Group, Version: m.Version, Kind: m.Kind}
}

// GroupResource returns the mapping's resource with its group, "deployments.apps".
func (m Mapping) GroupResource() api.GroupResource {
	return api.GroupResource{Group: m.Group, Resource: m.Resource}
}

// APIVersion returns "group/version", or the version alone for the core group.
func (m Mapping) APIVersion() string { return meta.JoinAPIVersion(m.Group, m.Version) }

// ErrNoMatch is wrapped by the errors of lookups that no resource or kind the server serves
// matches. Their messages are kubectl's: `the server doesn't have a resource type "x"` and
// `no matches for kind "X" in group "g"`.
var ErrNoMatch = errors.New("discovery: no match")

// noMatchError carries kubectl's message exactly, without a package prefix, since kubectl users
// know it and scripts match it.
type noMatchError struct{ msg string }

func (e *noMatchError) Error() string        { return e.msg }
func (e *noMatchError) Is(target error) bool { return target == ErrNoMatch }

// Mapper maps what a kubectl user types ("po", "deployments.apps", "Deployment") and kinds to
// resources, from what a discovery Client reads, as kubectl's REST mapper does. It is safe for
// concurrent use.
//
// Data from a cache file may be out of date: a lookup that misses in it drops the client's cache
// (Client.Invalidate) and asks the server once more before it fails, so that a kind added since the
// cache was written is found, while a lookup that misses in data fresh from the server fails at once.
type Mapper struct {
	d   *Client
	log logr.Logger
}

// NewMapper returns a mapper that reads d.
func NewMapper(d *Client) *Mapper { return &Mapper{d: d, log: d.log} }

// MappingFor resolves a kubectl resource argument, as `kubectl get <arg>` does: a resource's plural,
// singular or short name, or a kind, optionally qualified by a group ("deployments.apps",
// "Deployment.apps") or a version and a group ("deployments.v1.apps"). A group may be given by a
// prefix ("deployments.app"). Names are matched in the server's preferred version of each group;
// when several groups serve a name, the core group wins, then the group the server lists first.
// Subresources ("pods/status") are never matched.
func (m *Mapper) MappingFor(ctx context.Context, arg string) (Mapping, error) {
	return m.resolve(ctx, func(x *index) (Mapping, error) { return x.mappingFor(arg) })
}

// KindFor returns the kind a kubectl resource argument names; see MappingFor.
func (m *Mapper) KindFor(ctx context.Context, arg string) (api.GroupVersionKind, error) {
	mp, err := m.MappingFor(ctx, arg)
	if err != nil {
		return api.GroupVersionKind{}, err
	}
	return mp.GroupVersionKind(), nil
}

// ResourceFor returns where a group's kind is served: in the first of versions that serves it, or,
// when no version is given, in the group's preferred version (else the first version the server
// lists that serves it). The kind is matched exactly ("Deployment"), or by its lower-case form.
func (m *Mapper) ResourceFor(ctx context.Context, group, kind string, versions ...string) (Mapping, error) {
	return m.resolve(ctx, func(x *index) (Mapping, error) { return x.resourceFor(group, kind, versions) })
}

// resolve runs a lookup on the discovered resources, and once more on what the server says now
// when it misses in data that came from a cache file.
func (m *Mapper) resolve(ctx context.Context, lookup func(*index) (Mapping, error)) (Mapping, error) {
	for attempt := 0; ; attempt++ {
		groups, lists, fresh, discoveryErr := m.d.all(ctx)
		if groups == nil {
			return Mapping{}, discoveryErr
		}
		x := newIndex(groups, lists)
		x.log = m.log
		mp, err := lookup(x)
		switch {
		case err == nil:
			return mp, nil
		case errors.Is(err, ErrNoMatch) && !fresh && attempt == 0:
			m.log.V(1).Info("Discovery cache missed; asking the server again", "err", err.Error())
			m.d.Invalidate()
			continue
		case discoveryErr != nil:
			// The name may be served by a group version that could not be read: say so.
			return Mapping{}, &partialError{miss: err, discovery: discoveryErr}
		}
		return Mapping{}, err
	}
}

// partialError is a miss in incomplete discovery data.
type partialError struct{ miss, discovery error }

func (e *partialError) Error() string   { return e.miss.Error() + " (" + e.discovery.Error() + ")" }
func (e *partialError) Unwrap() []error { return []error{e.miss, e.discovery} }

// index is the resources of every group version in the order kubectl's PriorityRESTMapper tries
// them: the groups in the server's order (the core group first), within a group the preferred
// version first, then the others as listed. The first match in it is the one kubectl picks.
type index struct {
	entries []indexEntry
	log     logr.Logger
}

type indexEntry struct {
	Mapping
	singular   string
	shortNames []string
}

func newIndex(groups *APIGroupList, lists []*APIResourceList) *index {
	byGV := make(map[string]*APIResourceList, len(lists))
	for _, l := range lists {
		byGV[l.GroupVersion] = l
	}
	x := &index{log: logr.Discard()}
	for _, g := range groups.Groups {
		versions := make([]string, 0, len(g.Versions))
		if pv := g.PreferredVersion.Version; pv != "" {
			versions = append(versions, pv)
		}
		for _, v := range g.Versions {
			if v.Version != g.PreferredVersion.Version {
				versions = append(versions, v.Version)
			}
		}
		for _, v := range versions {
			l := byGV[meta.JoinAPIVersion(g.Name, v)]
			if l == nil {
				continue
			}
			for i := range l.APIResources {
				r := &l.APIResources[i]
				if r.IsSubresource() || r.Name == "" {
					continue
				}
				singular := r.SingularName
				if singular == "" {
					// Servers before 1.27 may leave it out; kubectl guesses the lower-case kind.
					singular = strings.ToLower(r.Kind)
				}
				x.entries = append(x.entries, indexEntry{
					Mapping:  Mapping{Group: g.Name, Version: v, Kind: r.Kind, Resource: r.Name, Namespaced: r.Namespaced},
					singular: singular, shortNames: r.ShortNames,
				})
			}
		}
	}
	return x
}

// mappingFor is kubectl's resource builder's mappingFor: the argument as a resource first, then as
// a kind.
func (x *index) mappingFor(arg string) (Mapping, error) {
	resource, group := arg, ""
	if i := strings.IndexByte(arg, '.'); i >= 0 {
		resource, group = arg[:i], arg[i+1:]
	}
	// "deployments.v1.apps" is resource.version.group; if nothing matches so, it may still be
	// resource.group with a dotted group ("clusterroles.rbac.authorization.k8s.io").
	var full []string
	if strings.Count(arg, ".") >= 2 {
		full = strings.SplitN(arg, ".", 3)
		if e, ok := x.resource(full[2], full[1], full[0]); ok {
			return e.Mapping, nil
		}
	}
	if e, ok := x.resource(group, "", resource); ok {
		return e.Mapping, nil
	}
	if full != nil {
		if e, ok := x.kind(full[2], full[0], []string{full[1]}); ok {
			return e.Mapping, nil
		}
	}
	if e, ok := x.kind(group, resource, nil); ok {
		return e.Mapping, nil
	}
	// kubectl names only the part before the first dot.
	return Mapping{}, &noMatchError{fmt.Sprintf("the server doesn't have a resource type %q", resource)}
}

// resource finds a resource by plural, singular or short name, within group and version when they
// are given, as kubectl's ShortcutExpander then DefaultRESTMapper do.
func (x *index) resource(group, version, name string) (*indexEntry, bool) {
	if name == "" {
		return nil, false
	}
	group, name = x.expandShortName(group, name)
	name = strings.ToLower(name)
	matches := func(e *indexEntry) bool {
		return (e.Resource == name || e.singular == name) && (version == "" || e.Version == version)
	}
	for i := range x.entries {
		if e := &x.entries[i]; (group == "" || e.Group == group) && matches(e) {
			return e, true
		}
	}
	if group == "" || version != "" {
		return nil, false
	}
	// A group may be given by a prefix: "storageclasses.storage" is storageclasses.storage.k8s.io.
	for i := range x.entries {
		if e := &x.entries[i]; strings.HasPrefix(e.Group, group) && matches(e) {
			return e, true
		}
	}
	return nil, false
}

// expandShortName turns a short name ("po", "deploy.apps") into the group and plural it stands for,
// unless it is a resource's own plural or singular. The first group in the server's order wins;
// like kubectl, the others are reported, not treated as an error. Short names match exactly.
func (x *index) expandShortName(group, name string) (string, string) {
	for i := range x.entries {
		e := &x.entries[i]
		if (group == "" || e.Group == group) && (e.Resource == name || e.singular == name) {
			return group, name
		}
	}
	var found *indexEntry
	for i := range x.entries {
		e := &x.entries[i]
		if (group != "" && e.Group != group) || !contains(e.shortNames, name) {
			continue
		}
		if found == nil {
			found = e
		} else if e.GroupResource() != found.GroupResource() {
			x.log.Info("Short name is ambiguous; using the first group's resource", "shortName", name,
				"using", found.GroupResource().String(), "alsoMatches", e.GroupResource().String())
		}
	}
	if found != nil {
		return found.Group, found.Resource
	}
	if group == "" {
		return group, name
	}
	for i := range x.entries {
		if e := &x.entries[i]; strings.HasPrefix(e.Group, group) && contains(e.shortNames, name) {
			return e.Group, e.Resource
		}
	}
	return group, name
}

// kind finds a group's kind in the first of versions that serves it, or in preference order when
// no version is given.
func (x *index) kind(group, kind string, versions []string) (*indexEntry, bool) {
	if kind == "" {
		return nil, false
	}
	matches := func(e *indexEntry) bool {
		return e.Group == group && (e.Kind == kind || strings.ToLower(e.Kind) == kind)
	}
	if len(versions) == 0 {
		for i := range x.entries {
			if e := &x.entries[i]; matches(e) {
				return e, true
			}
		}
		return nil, false
	}
	for _, v := range versions {
		for i := range x.entries {
			if e := &x.entries[i]; e.Version == v && matches(e) {
				return e, true
			}
		}
	}
	return nil, false
}

// resourceFor is kubectl's RESTMapping(groupKind, versions...), with its NoKindMatchError message.
func (x *index) resourceFor(group, kind string, versions []string) (Mapping, error) {
	var searched []string
	for _, v := range versions {
		if v != "" {
			searched = append(searched, v)
		}
	}
	if e, ok := x.kind(group, kind, searched); ok {
		return e.Mapping, nil
	}
	gvs := make([]string, len(searched))
	for i, v := range searched {
		gvs[i] = meta.JoinAPIVersion(group, v)
	}
	sort.Strings(gvs)
	switch len(gvs) {
	case 0:
		return Mapping{}, &noMatchError{fmt.Sprintf("no matches for kind %q in group %q", kind, group)}
	case 1:
		return Mapping{}, &noMatchError{fmt.Sprintf("no matches for kind %q in version %q", kind, gvs[0])}
	}
	return Mapping{}, &noMatchError{fmt.Sprintf("no matches for kind %q in versions %q", kind, gvs)}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
