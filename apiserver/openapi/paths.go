package openapi

import (
	"slices"

	"github.com/skiff-io/skiff/api"
)

// pathItem is one REST path and its operations.
type pathItem struct {
	path string
	// params are the parameters every operation of the path takes (name, namespace, pretty).
	params []parameter
	ops    []*operation
}

// operation is one HTTP method on a path.
type operation struct {
	method      string // get, put, post, delete, patch
	id          string
	description string
	tag         string
	// action is x-kubernetes-action: get, list, post, put, patch, delete, deletecollection, watch,
	// watchlist.
	action string
	// gvk is x-kubernetes-group-version-kind; nil for none.
	gvk    *api.GroupVersionKind
	params []parameter
	// body is the request body's schema, nil for none.
	body         *schema
	bodyRequired bool
	consumes     []string
	produces     []string
	responses    []response
}

// parameter is a path or query parameter.
type parameter struct {
	name        string
	in          string // path or query
	typ         string // string, integer or boolean
	description string
	required    bool
}

// response is one status code an operation answers with.
type response struct {
	code        string
	description string
	schema      *schema // nil for none
}

// The methods of a path item, in the order OpenAPI lists them.
var methodOrder = []string{"get", "put", "post", "delete", "patch"}

func (p *pathItem) add(op *operation) {
	p.ops = append(p.ops, op)
	slices.SortStableFunc(p.ops, func(a, b *operation) int {
		return slices.Index(methodOrder, a.method) - slices.Index(methodOrder, b.method)
	})
}

// Media types.
const (
	mediaJSON       = "application/json"
	mediaYAML       = "application/yaml"
	mediaJSONStream = "application/json;stream=watch"
	mediaText       = "text/plain"
	mediaAny        = "*/*"
)

var (
	producesObject = []string{mediaJSON, mediaYAML}
	producesList   = []string{mediaJSON, mediaYAML, mediaJSONStream}
	producesLog    = []string{mediaText, mediaJSON, mediaYAML}
	consumesAny    = []string{mediaAny}
	// consumesPatch are the patch types kube-apiserver accepts on every PATCH.
	consumesPatch = []string{
		"application/apply-patch+yaml",
		"application/json-patch+json",
		"application/merge-patch+json",
		"application/strategic-merge-patch+json",
	}
)

// The parameters, described as Kubernetes describes them.
var (
	paramPretty = parameter{name: "pretty", in: "query", typ: "string",
		description: "If 'true', the response is indented for reading."}
	paramNamespace = parameter{name: "namespace", in: "path", typ: "string", required: true,
		description: "object name and auth scope, such as for teams and projects"}

	paramAllowWatchBookmarks = parameter{name: "allowWatchBookmarks", in: "query", typ: "boolean",
		description: "allowWatchBookmarks asks a watch for BOOKMARK events, which carry only a resource version to resume from. The server may send them at any time, or never; ignored unless watching."}
	paramContinue = parameter{name: "continue", in: "query", typ: "string",
		description: "continue is the token a previous page of the same list returned in metadata.continue; the next page follows from it. An expired token is answered with 410 Gone and a fresh token."}
	paramFieldSelector = parameter{name: "fieldSelector", in: "query", typ: "string",
		description: "A selector on the objects' fields (\"metadata.name=web,status.phase!=Running\"). Defaults to everything."}
	paramLabelSelector = parameter{name: "labelSelector", in: "query", typ: "string",
		description: "A selector on the objects' labels (\"app=web,tier in (front,back)\"). Defaults to everything."}
	paramLimit = parameter{name: "limit", in: "query", typ: "integer",
		description: "limit is the largest number of objects to return. When more remain, the list's metadata.continue holds a token for the next page; a page may hold fewer objects than the limit, so only an empty continue token ends the list."}
	paramResourceVersion = parameter{name: "resourceVersion", in: "query", typ: "string",
		description: "resourceVersion bounds how fresh the data must be: see https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions. Defaults to unset: the most recent data."}
	paramResourceVersionMatch = parameter{name: "resourceVersionMatch", in: "query", typ: "string",
		description: "resourceVersionMatch says how resourceVersion applies to a list: NotOlderThan or Exact. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions. Defaults to unset."}
	paramSendInitialEvents = parameter{name: "sendInitialEvents", in: "query", typ: "boolean",
		description: "sendInitialEvents=true, with watch=true, starts the watch with an ADDED event for each existing object, then a BOOKMARK marking the end of them."}
	paramTimeoutSeconds = parameter{name: "timeoutSeconds", in: "query", typ: "integer",
		description: "timeoutSeconds bounds the duration of a list or watch call, whatever its activity."}
	paramWatch = parameter{name: "watch", in: "query", typ: "boolean",
		description: "watch=true streams changes to the described objects (ADDED, MODIFIED, DELETED) instead of listing them; pair it with resourceVersion."}

	paramDryRun = parameter{name: "dryRun", in: "query", typ: "string",
		description: "dryRun=All runs every stage of the request without persisting the result. Any other value is an error."}
	paramFieldManager = parameter{name: "fieldManager", in: "query", typ: "string",
		description: "fieldManager names the actor making the change, for managedFields: up to 128 printable characters."}
	paramFieldManagerApply = parameter{name: "fieldManager", in: "query", typ: "string",
		description: "fieldManager names the actor making the change, for managedFields: up to 128 printable characters. Required for apply patches (application/apply-patch+yaml), optional for the other patch types."}
	paramFieldValidation = parameter{name: "fieldValidation", in: "query", typ: "string",
		description: "fieldValidation says what the server does with fields of the body that the schema does not know, and with duplicate fields: Ignore drops them silently, Warn drops them with a warning header for each (the default), Strict fails the request with 400 Bad Request listing them all."}
	paramForce = parameter{name: "force", in: "query", typ: "boolean",
		description: "force=true makes an apply patch take over fields other managers own instead of failing with a conflict. It must be unset for other patch types."}

	paramGracePeriodSeconds = parameter{name: "gracePeriodSeconds", in: "query", typ: "integer",
		description: "gracePeriodSeconds is how long, in seconds, the object may take to terminate before it is deleted; 0 deletes it at once. Unset, the kind's default applies."}
	paramIgnoreStoreReadError = parameter{name: "ignoreStoreReadErrorWithClusterBreakingPotential", in: "query", typ: "boolean",
		description: "ignoreStoreReadErrorWithClusterBreakingPotential=true deletes an object that cannot be read from storage (it cannot be decoded or decrypted), skipping finalizers and preconditions. It may break whatever relied on the object."}
	paramOrphanDependents = parameter{name: "orphanDependents", in: "query", typ: "boolean",
		description: "Deprecated: use propagationPolicy. true orphans the object's dependents, false deletes them. At most one of the two may be set."}
	paramPropagationPolicy = parameter{name: "propagationPolicy", in: "query", typ: "string",
		description: "propagationPolicy says what becomes of the object's dependents: Orphan leaves them, Background lets the garbage collector delete them after the object, Foreground deletes them before the object."}
)

var (
	listParams = []parameter{paramAllowWatchBookmarks, paramContinue, paramFieldSelector, paramLabelSelector,
		paramLimit, paramResourceVersion, paramResourceVersionMatch, paramSendInitialEvents, paramTimeoutSeconds, paramWatch}
	writeParams      = []parameter{paramDryRun, paramFieldManager, paramFieldValidation}
	patchParams      = []parameter{paramDryRun, paramFieldManagerApply, paramFieldValidation, paramForce}
	deleteParams     = []parameter{paramDryRun, paramGracePeriodSeconds, paramIgnoreStoreReadError, paramOrphanDependents, paramPropagationPolicy}
	deleteCollParams = []parameter{paramContinue, paramDryRun, paramFieldSelector, paramGracePeriodSeconds, paramIgnoreStoreReadError, paramLabelSelector, paramLimit, paramOrphanDependents, paramPropagationPolicy, paramResourceVersion, paramResourceVersionMatch, paramSendInitialEvents, paramTimeoutSeconds}
	logParams        = []parameter{
		{name: "container", in: "query", typ: "string", description: "container names the container whose log to read; it may be left out when the pod has one container."},
		{name: "follow", in: "query", typ: "boolean", description: "follow=true keeps the response open and streams the log as it grows."},
		{name: "insecureSkipTLSVerifyBackend", in: "query", typ: "boolean", description: "insecureSkipTLSVerifyBackend=true reads the log from the node without checking its serving certificate."},
		{name: "limitBytes", in: "query", typ: "integer", description: "limitBytes ends the log after this many bytes."},
		{name: "previous", in: "query", typ: "boolean", description: "previous=true reads the log of the container's previous, terminated instance."},
		{name: "sinceSeconds", in: "query", typ: "integer", description: "sinceSeconds starts the log this many seconds ago."},
		{name: "stream", in: "query", typ: "string", description: "stream is All (the default), Stdout or Stderr."},
		{name: "tailLines", in: "query", typ: "integer", description: "tailLines starts the log this many lines before its end."},
		{name: "timestamps", in: "query", typ: "boolean", description: "timestamps=true starts every line with its RFC 3339 time."},
	}
)

func paramName(kind string) parameter {
	return parameter{name: "name", in: "path", typ: "string", required: true, description: "name of the " + kind}
}

// Responses.
func responses(codes ...response) []response {
	return append(codes, response{code: "401", description: "Unauthorized"})
}

func ok(s *schema) response       { return response{code: "200", description: "OK", schema: s} }
func created(s *schema) response  { return response{code: "201", description: "Created", schema: s} }
func accepted(s *schema) response { return response{code: "202", description: "Accepted", schema: s} }

// allVerbs are the verbs a kind serves when it does not list its own.
var allVerbs = []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

// kindPaths returns the REST paths of a kind and its subresources, as kube-apiserver serves and
// documents them. scaleDef and bindingDef name the definitions of autoscaling/v1 Scale and v1
// Binding.
func kindPaths(k *api.Kind, kindDef, listDef, scaleDef, bindingDef string) []*pathItem {
	verbs := k.Verbs
	if len(verbs) == 0 {
		verbs = allVerbs
	}
	serves := func(v string) bool { return slices.Contains(verbs, v) }

	prefix := "/apis/" + k.Group + "/" + k.Version
	if k.Group == "" {
		prefix = "/api/" + k.Version
	}
	scope, ns := "", ""
	var scopeParams []parameter
	if k.Namespaced {
		scope, ns = "Namespaced", "/namespaces/{namespace}"
		scopeParams = []parameter{paramNamespace}
	}
	gp := groupPrefix(k.Group, k.Version)
	gvk := &k.GroupVersionKind
	tg := tag(k.Group, k.Version)
	obj := &schema{ref: kindDef}
	list := &schema{ref: listDef}
	status := &schema{ref: statusDef}
	event := &schema{ref: watchEventDef}
	deleteOpts := &schema{ref: deleteOptionsDef}
	patch := &schema{ref: patchDef}
	op := func(method, id, action, description string) *operation {
		return &operation{method: method, id: id, action: action, description: description, tag: tg, gvk: gvk,
			produces: producesObject, consumes: consumesAny}
	}

	collection := &pathItem{path: prefix + ns + "/" + k.Resource, params: append(slices.Clone(scopeParams), paramPretty)}
	item := &pathItem{path: collection.path + "/{name}", params: append([]parameter{paramName(k.Kind)}, collection.params...)}
	var out []*pathItem
	if serves("list") {
		o := op("get", "list"+gp+scope+k.Kind, "list", "list or watch objects of kind "+k.Kind)
		o.params, o.produces, o.responses = listParams, producesList, responses(ok(list))
		collection.add(o)
	}
	if serves("create") {
		o := op("post", "create"+gp+scope+k.Kind, "post", "create a "+k.Kind)
		o.params, o.body, o.bodyRequired = writeParams, obj, true
		o.responses = responses(ok(obj), created(obj), accepted(obj))
		collection.add(o)
	}
	if serves("deletecollection") {
		o := op("delete", "delete"+gp+"Collection"+scope+k.Kind, "deletecollection", "delete collection of "+k.Kind)
		o.params, o.body, o.responses = deleteCollParams, deleteOpts, responses(ok(status))
		collection.add(o)
	}
	if serves("get") {
		o := op("get", "read"+gp+scope+k.Kind, "get", "read the specified "+k.Kind)
		o.responses = responses(ok(obj))
		item.add(o)
	}
	if serves("update") {
		o := op("put", "replace"+gp+scope+k.Kind, "put", "replace the specified "+k.Kind)
		o.params, o.body, o.bodyRequired = writeParams, obj, true
		o.responses = responses(ok(obj), created(obj))
		item.add(o)
	}
	if serves("patch") {
		o := op("patch", "patch"+gp+scope+k.Kind, "patch", "partially update the specified "+k.Kind)
		o.params, o.body, o.bodyRequired, o.consumes = patchParams, patch, true, consumesPatch
		o.responses = responses(ok(obj), created(obj))
		item.add(o)
	}
	if serves("delete") {
		o := op("delete", "delete"+gp+scope+k.Kind, "delete", "delete a "+k.Kind)
		o.params, o.body = deleteParams, deleteOpts
		o.responses = responses(ok(status), accepted(status))
		item.add(o)
	}
	for _, p := range []*pathItem{collection, item} {
		if len(p.ops) > 0 {
			out = append(out, p)
		}
	}

	if k.Namespaced && serves("list") {
		all := &pathItem{path: prefix + "/" + k.Resource, params: []parameter{paramPretty}}
		o := op("get", "list"+gp+k.Kind+"ForAllNamespaces", "list", "list or watch objects of kind "+k.Kind)
		o.params, o.produces, o.responses = listParams, producesList, responses(ok(list))
		all.add(o)
		out = append(out, all)
	}
	if serves("watch") {
		watchList := &pathItem{path: prefix + "/watch" + ns + "/" + k.Resource, params: collection.params}
		o := op("get", "watch"+gp+scope+k.Kind+"List", "watchlist",
			"watch individual changes to a list of "+k.Kind+". deprecated: use the 'watch' parameter with a list operation instead.")
		o.params, o.produces, o.responses = listParams, producesList, responses(ok(event))
		watchList.add(o)
		watchItem := &pathItem{path: watchList.path + "/{name}", params: item.params}
		o = op("get", "watch"+gp+scope+k.Kind, "watch",
			"watch changes to an object of kind "+k.Kind+". deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.")
		o.params, o.produces, o.responses = listParams, producesList, responses(ok(event))
		watchItem.add(o)
		out = append(out, watchList, watchItem)
		if k.Namespaced {
			all := &pathItem{path: prefix + "/watch/" + k.Resource, params: []parameter{paramPretty}}
			o := op("get", "watch"+gp+k.Kind+"ListForAllNamespaces", "watchlist",
				"watch individual changes to a list of "+k.Kind+". deprecated: use the 'watch' parameter with a list operation instead.")
			o.params, o.produces, o.responses = listParams, producesList, responses(ok(event))
			all.add(o)
			out = append(out, all)
		}
	}

	for _, sub := range k.Subresources {
		p := &pathItem{path: item.path + "/" + sub, params: item.params}
		name := upperFirst(sub)
		// readWrite adds get, put and patch of the subresource, whose body is subObj of kind subGVK.
		readWrite := func(subObj *schema, subGVK *api.GroupVersionKind, what string) {
			o := op("get", "read"+gp+scope+k.Kind+name, "get", "read "+what+" of the specified "+k.Kind)
			o.gvk, o.responses = subGVK, responses(ok(subObj))
			p.add(o)
			o = op("put", "replace"+gp+scope+k.Kind+name, "put", "replace "+what+" of the specified "+k.Kind)
			o.gvk, o.params, o.body, o.bodyRequired = subGVK, writeParams, subObj, true
			o.responses = responses(ok(subObj), created(subObj))
			p.add(o)
			o = op("patch", "patch"+gp+scope+k.Kind+name, "patch", "partially update "+what+" of the specified "+k.Kind)
			o.gvk, o.params, o.body, o.bodyRequired, o.consumes = subGVK, patchParams, patch, true, consumesPatch
			o.responses = responses(ok(subObj), created(subObj))
			p.add(o)
		}
		switch sub {
		case "status", "ephemeralcontainers", "resize":
			readWrite(obj, gvk, sub)
		case "scale":
			readWrite(&schema{ref: scaleDef}, &scaleGVK, "scale")
		case "finalize":
			o := op("put", "replace"+gp+scope+k.Kind+name, "put", "replace finalize of the specified "+k.Kind)
			o.params, o.body, o.bodyRequired = writeParams, obj, true
			o.responses = responses(ok(obj), created(obj))
			p.add(o)
		case "binding":
			b := &schema{ref: bindingDef}
			o := op("post", "create"+gp+scope+k.Kind+name, "post", "create binding of a "+k.Kind)
			o.gvk, o.params, o.body, o.bodyRequired = &bindingGVK, writeParams, b, true
			o.responses = responses(ok(b), created(b), accepted(b))
			p.add(o)
		case "log":
			o := op("get", "read"+gp+scope+k.Kind+name, "get", "read log of the specified "+k.Kind)
			o.gvk, o.params, o.produces = nil, logParams, producesLog
			o.responses = responses(ok(&schema{typ: "string"}))
			p.add(o)
		default:
			// Connect subresources (exec, attach, portforward, proxy) and those whose bodies skiff has
			// no type for (eviction, token) are not documented.
			continue
		}
		out = append(out, p)
	}
	return out
}

var (
	scaleGVK   = api.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}
	bindingGVK = api.GroupVersionKind{Version: "v1", Kind: "Binding"}
)
