package openapi

import (
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/autoscaling"
	"github.com/skiff-io/skiff/api/core"
)

// Info is what the documents' info section says about the API.
type Info struct {
	// Title defaults to "skiff".
	Title string
	// Version is the server's version ("v1.32.0-skiff"); it defaults to "unversioned".
	Version string
}

// ErrUnknownGroupVersion is wrapped by the error V3 returns for a group version no registered kind
// belongs to.
var ErrUnknownGroupVersion = errors.New("openapi: unknown group version")

// Builder builds skiff's OpenAPI documents from the kinds of a registry. Each document is built
// once, on first use, and then served from memory: a Builder sees the kinds registered before its
// first use, so register every kind before serving. A Builder is safe for concurrent use; the byte
// slices it returns are shared and must not be modified.
type Builder struct {
	reg  *api.Registry
	info Info

	modelOnce sync.Once
	model     *model
	modelErr  error

	v2Once  sync.Once
	v2JSON  *document
	v2Proto *document
	v2Err   error

	v3Once      sync.Once
	v3          map[string]*document // by discovery path ("apis/apps/v1")
	v3Discovery *document
	v3Err       error
}

// New returns a Builder for the kinds of reg.
func New(reg *api.Registry, info Info) *Builder {
	if info.Title == "" {
		info.Title = "skiff"
	}
	if info.Version == "" {
		info.Version = "unversioned"
	}
	return &Builder{reg: reg, info: info}
}

// document is one served document with its entity tag.
type document struct {
	data []byte
	// etag is the upper-case hex SHA-512 of data, as kube-openapi computes it; it is also the hash
	// of a v3 document's serverRelativeURL.
	etag string

	gzipOnce sync.Once
	gzipped  []byte
}

func newDocument(data []byte) *document {
	sum := sha512.Sum512(data)
	return &document{data: data, etag: strings.ToUpper(hex.EncodeToString(sum[:]))}
}

// V2 returns the OpenAPI v2 (Swagger 2.0) document of every kind, as JSON.
func (b *Builder) V2() ([]byte, error) {
	d, _, err := b.v2Docs()
	if err != nil {
		return nil, err
	}
	return d.data, nil
}

// V2Proto returns the OpenAPI v2 document as a serialized gnostic openapi_v2.Document, the form
// kubectl asks /openapi/v2 for.
func (b *Builder) V2Proto() ([]byte, error) {
	_, p, err := b.v2Docs()
	if err != nil {
		return nil, err
	}
	return p.data, nil
}

// V3Discovery returns the OpenAPI v3 discovery document: for each group version its
// serverRelativeURL ("/openapi/v3/apis/apps/v1?hash=<etag>"), as JSON.
func (b *Builder) V3Discovery() ([]byte, error) {
	if err := b.buildV3(); err != nil {
		return nil, err
	}
	return b.v3Discovery.data, nil
}

// V3 returns the OpenAPI v3 document of one group version, named by its API version ("apps/v1",
// or "v1" for the core group), as JSON, with its hash (the hash query parameter of its
// serverRelativeURL). It returns an error wrapping ErrUnknownGroupVersion when no registered kind
// belongs to the group version.
func (b *Builder) V3(groupVersion string) ([]byte, string, error) {
	if err := b.buildV3(); err != nil {
		return nil, "", err
	}
	group, version, ok := strings.Cut(groupVersion, "/")
	if !ok {
		group, version = "", groupVersion
	}
	d, ok := b.v3[discoveryPath(group, version)]
	if !ok {
		return nil, "", fmt.Errorf("%w %q", ErrUnknownGroupVersion, groupVersion)
	}
	return d.data, d.etag, nil
}

// GroupVersions returns the API versions ("apps/v1", "v1", ...) that have an OpenAPI v3 document,
// sorted.
func (b *Builder) GroupVersions() ([]string, error) {
	m, err := b.buildModel()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(m.gvs))
	for _, gv := range m.gvs {
		out = append(out, api.GroupVersionKind{Group: gv.group, Version: gv.version}.APIVersion())
	}
	slices.Sort(out)
	return out, nil
}

func (b *Builder) v2Docs() (*document, *document, error) {
	b.v2Once.Do(func() {
		m, err := b.buildModel()
		if err != nil {
			b.v2Err = err
			return
		}
		j, err := m.v2JSON(b.info)
		if err != nil {
			b.v2Err = err
			return
		}
		b.v2JSON = newDocument(j)
		b.v2Proto = newDocument(m.v2Proto(b.info))
	})
	return b.v2JSON, b.v2Proto, b.v2Err
}

func (b *Builder) buildV3() error {
	b.v3Once.Do(func() {
		m, err := b.buildModel()
		if err != nil {
			b.v3Err = err
			return
		}
		b.v3 = make(map[string]*document, len(m.gvs))
		urls := make(map[string]string, len(m.gvs))
		for _, gv := range m.gvs {
			j, err := m.v3JSON(b.info, gv)
			if err != nil {
				b.v3Err = err
				return
			}
			d := newDocument(j)
			key := discoveryPath(gv.group, gv.version)
			b.v3[key] = d
			urls[key] = serverRelativeURL(key, d.etag)
		}
		j, err := v3DiscoveryJSON(urls)
		if err != nil {
			b.v3Err = err
			return
		}
		b.v3Discovery = newDocument(j)
	})
	return b.v3Err
}

// serverRelativeURL is where a v3 document is fetched from, with its hash, as kube-openapi writes it.
func serverRelativeURL(key, etag string) string {
	return "/openapi/v3/" + key + "?hash=" + etag
}

// model is what both OpenAPI versions are written from: definitions and paths.
type model struct {
	defs map[string]*definition
	gvs  []*groupVersion // sorted by group, then version
}

// groupVersion holds the paths of one group version.
type groupVersion struct {
	group, version string
	paths          []*pathItem
	// roots are the definitions of the group version's kinds and their lists.
	roots []string
}

// The definitions every document refers to.
var (
	statusDef        = metaV1 + "Status"
	deleteOptionsDef = metaV1 + "DeleteOptions"
	watchEventDef    = metaV1 + "WatchEvent"
	patchDef         = metaV1 + "Patch"
	listMetaDef      = metaV1 + "ListMeta"
)

func (b *Builder) buildModel() (*model, error) {
	b.modelOnce.Do(func() { b.model, b.modelErr = buildModel(b.reg.Kinds()) })
	return b.model, b.modelErr
}

func buildModel(kinds []*api.Kind) (*model, error) {
	names := newNamer(kinds)
	g := newGenerator(names)
	for _, t := range []reflect.Type{statusType, deleteOptionsType, watchEventType, patchBodyType, listMetaType} {
		g.define(t)
	}
	m := &model{defs: g.defs}
	byGV := make(map[[2]string]*groupVersion)
	var allGVs []api.GroupVersionKind
	for _, k := range kinds {
		if k.Type == nil || k.Type.Kind() != reflect.Struct {
			return nil, fmt.Errorf("openapi: kind %s has Go type %v, not a struct", k.GroupVersionKind, k.Type)
		}
		key := [2]string{k.Group, k.Version}
		gv := byGV[key]
		if gv == nil {
			gv = &groupVersion{group: k.Group, version: k.Version}
			byGV[key] = gv
			m.gvs = append(m.gvs, gv)
			allGVs = append(allGVs, api.GroupVersionKind{Group: k.Group, Version: k.Version})
		}
		kindDef := g.define(k.Type)
		d := g.defs[kindDef]
		d.gvks = append(d.gvks, k.GroupVersionKind)
		// The list is named after the kind's Go type, as Kubernetes names it (DeploymentList), so
		// that one package may hold the types of a kind in several versions.
		listDef := kindDef + "List"
		g.addDefinition(&definition{
			name:   listDef,
			schema: listSchema(k, kindDef),
			gvks:   []api.GroupVersionKind{{Group: k.Group, Version: k.Version, Kind: k.Kind + "List"}},
		})
		var scaleDef, bindingDef string
		if k.HasSubresource("scale") {
			scaleDef = g.define(reflect.TypeFor[autoscaling.Scale]())
		}
		if k.HasSubresource("binding") {
			bindingDef = g.define(reflect.TypeFor[core.Binding]())
		}
		gv.paths = append(gv.paths, kindPaths(k, kindDef, listDef, scaleDef, bindingDef)...)
		gv.roots = append(gv.roots, kindDef, listDef)
	}
	if g.err != nil {
		return nil, g.err
	}

	// The kinds of the shared definitions, as kube-apiserver lists them.
	m.defs[statusDef].gvks = []api.GroupVersionKind{{Version: "v1", Kind: "Status"}}
	if !slices.Contains(allGVs, api.GroupVersionKind{Version: "v1"}) {
		allGVs = append(allGVs, api.GroupVersionKind{Version: "v1"})
	}
	slices.SortFunc(allGVs, func(a, b api.GroupVersionKind) int {
		return strings.Compare(a.Group+"/"+a.Version, b.Group+"/"+b.Version)
	})
	for _, def := range []string{deleteOptionsDef, watchEventDef} {
		kind := strings.TrimPrefix(def, metaV1)
		for _, gv := range allGVs {
			gv.Kind = kind
			m.defs[def].gvks = append(m.defs[def].gvks, gv)
		}
	}
	if t := reflect.TypeFor[autoscaling.Scale](); g.byType[t] != "" {
		d := m.defs[g.byType[t]]
		if !slices.Contains(d.gvks, scaleGVK) {
			d.gvks = append(d.gvks, scaleGVK)
		}
	}

	slices.SortFunc(m.gvs, func(a, b *groupVersion) int {
		if a.group != b.group {
			return strings.Compare(a.group, b.group)
		}
		return strings.Compare(a.version, b.version)
	})
	for _, gv := range m.gvs {
		slices.SortFunc(gv.paths, func(a, b *pathItem) int { return strings.Compare(a.path, b.path) })
	}
	if err := m.checkOperationIDs(); err != nil {
		return nil, err
	}
	return m, nil
}

// listSchema is the schema of a kind's list (DeploymentList), which Go spells meta.List[T].
func listSchema(k *api.Kind, kindDef string) *schema {
	return &schema{
		typ:         "object",
		description: k.Kind + "List is a list of " + k.Kind + " objects.",
		properties: []property{
			{"apiVersion", &schema{typ: "string", description: "APIVersion is " + k.APIVersion() + "."}},
			{"items", &schema{typ: "array", items: &schema{ref: kindDef}, description: "Items is the list of " + k.Kind + " objects."}},
			{"kind", &schema{typ: "string", description: "Kind is " + k.Kind + "List."}},
			{"metadata", &schema{ref: listMetaDef, description: "Metadata is the list's resource version and, for a page of a longer list, the token of the next page."}},
		},
		required: []string{"items"},
	}
}

// checkOperationIDs reports two operations with one id: generated clients need them unique.
func (m *model) checkOperationIDs() error {
	seen := make(map[string]string)
	for _, gv := range m.gvs {
		for _, p := range gv.paths {
			for _, op := range p.ops {
				if other, ok := seen[op.id]; ok {
					return fmt.Errorf("openapi: operation id %s is used by %s and %s", op.id, other, p.path)
				}
				seen[op.id] = p.path
			}
		}
	}
	return nil
}

// closure returns the names of the definitions reachable from roots and from the schemas of paths,
// sorted.
func (m *model) closure(roots []string, paths []*pathItem) []string {
	seen := make(map[string]bool)
	var visit func(string)
	visit = func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		if d := m.defs[name]; d != nil {
			d.schema.refs(visit)
		}
	}
	for _, r := range roots {
		visit(r)
	}
	for _, p := range paths {
		for _, op := range p.ops {
			op.body.refs(visit)
			for _, r := range op.responses {
				r.schema.refs(visit)
			}
		}
	}
	out := make([]string, 0, len(seen))
	for name := range seen {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
