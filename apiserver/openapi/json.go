package openapi

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/skiff-io/skiff/api"
)

// The JSON documents are built as maps, which encoding/json writes with sorted keys: the same
// registry always gives the same bytes, and so the same hashes.

// version selects how the differences between OpenAPI v2 and v3 are spelled.
type version int

const (
	v2 version = iota
	v3
)

func (v version) refPrefix() string {
	if v == v2 {
		return "#/definitions/"
	}
	return "#/components/schemas/"
}

// json returns the schema as a JSON object of OpenAPI version v.
func (s *schema) json(v version) map[string]any {
	m := make(map[string]any, 4)
	if s.description != "" {
		m["description"] = s.description
	}
	for _, e := range s.extensions {
		m[e.name] = e.value
	}
	if s.defaultValue != nil {
		m["default"] = s.defaultValue
	}
	if s.ref != "" {
		ref := map[string]any{"$ref": v.refPrefix() + s.ref}
		if v == v2 || len(m) == 0 {
			maps.Copy(m, ref)
			return m
		}
		// OpenAPI v3 ignores the siblings of a $ref: kube-openapi wraps the reference in an allOf
		// so that the description and extensions count, and kubectl reads that form.
		m["allOf"] = []any{ref}
		return m
	}
	if v == v3 && len(s.oneOf) > 0 {
		alts := make([]any, len(s.oneOf))
		for i, t := range s.oneOf {
			alts[i] = map[string]any{"type": t}
		}
		m["oneOf"] = alts
	} else if s.typ != "" {
		m["type"] = s.typ
	}
	if s.format != "" {
		m["format"] = s.format
	}
	if v == v3 && s.intOrString {
		m["x-kubernetes-int-or-string"] = true
	}
	if v == v3 && s.anyValue {
		m["x-kubernetes-preserve-unknown-fields"] = true
	}
	if s.items != nil {
		m["items"] = s.items.json(v)
	}
	if s.additional != nil {
		m["additionalProperties"] = s.additional.json(v)
	}
	if len(s.properties) > 0 {
		props := make(map[string]any, len(s.properties))
		for _, p := range s.properties {
			props[p.name] = p.schema.json(v)
		}
		m["properties"] = props
	}
	if len(s.required) > 0 {
		m["required"] = s.required
	}
	return m
}

// json returns the definition's schema with its kinds.
func (d *definition) json(v version) map[string]any {
	m := d.schema.json(v)
	if len(d.gvks) > 0 {
		m[gvkExtension] = gvkList(d.gvks)
	}
	return m
}

const gvkExtension = "x-kubernetes-group-version-kind"

func gvkObject(gvk api.GroupVersionKind) map[string]string {
	return map[string]string{"group": gvk.Group, "version": gvk.Version, "kind": gvk.Kind}
}

func gvkList(gvks []api.GroupVersionKind) []map[string]string {
	out := make([]map[string]string, len(gvks))
	for i, gvk := range gvks {
		out[i] = gvkObject(gvk)
	}
	return out
}

func (p parameter) json(v version) map[string]any {
	m := map[string]any{"name": p.name, "in": p.in, "description": p.description}
	if p.required {
		m["required"] = true
	}
	// kube-apiserver marks every parameter uniqueItems; clients generated from its documents
	// expect it.
	if v == v2 {
		m["type"] = p.typ
		m["uniqueItems"] = true
	} else {
		m["schema"] = map[string]any{"type": p.typ, "uniqueItems": true}
	}
	return m
}

func paramsJSON(params []parameter, v version) []any {
	out := make([]any, len(params))
	for i, p := range params {
		out[i] = p.json(v)
	}
	return out
}

func (o *operation) json(v version) map[string]any {
	m := map[string]any{
		"description":         o.description,
		"operationId":         o.id,
		"tags":                []string{o.tag},
		"x-kubernetes-action": o.action,
	}
	if o.gvk != nil {
		m[gvkExtension] = gvkObject(*o.gvk)
	}
	params := paramsJSON(o.params, v)
	responses := make(map[string]any, len(o.responses))
	switch v {
	case v2:
		m["consumes"] = o.consumes
		m["produces"] = o.produces
		m["schemes"] = []string{"https"}
		if o.body != nil {
			body := map[string]any{"name": "body", "in": "body", "schema": o.body.json(v)}
			if o.bodyRequired {
				body["required"] = true
			}
			params = append([]any{body}, params...)
		}
		for _, r := range o.responses {
			rm := map[string]any{"description": r.description}
			if r.schema != nil {
				rm["schema"] = r.schema.json(v)
			}
			responses[r.code] = rm
		}
	case v3:
		if o.body != nil {
			s := o.body.json(v)
			content := make(map[string]any, len(o.consumes))
			for _, c := range o.consumes {
				content[c] = map[string]any{"schema": s}
			}
			body := map[string]any{"content": content}
			if o.bodyRequired {
				body["required"] = true
			}
			m["requestBody"] = body
		}
		for _, r := range o.responses {
			rm := map[string]any{"description": r.description}
			if r.schema != nil {
				s := r.schema.json(v)
				content := make(map[string]any, len(o.produces))
				for _, p := range o.produces {
					content[p] = map[string]any{"schema": s}
				}
				rm["content"] = content
			}
			responses[r.code] = rm
		}
	}
	if len(params) > 0 {
		m["parameters"] = params
	}
	m["responses"] = responses
	return m
}

func (p *pathItem) json(v version) map[string]any {
	m := make(map[string]any, len(p.ops)+1)
	if len(p.params) > 0 {
		m["parameters"] = paramsJSON(p.params, v)
	}
	for _, op := range p.ops {
		m[op.method] = op.json(v)
	}
	return m
}

// bearerToken is the security scheme kube-apiserver documents.
var bearerToken = map[string]any{
	"type":        "apiKey",
	"name":        "authorization",
	"in":          "header",
	"description": "Bearer Token authentication",
}

// v2JSON writes the OpenAPI v2 document of every group version.
func (m *model) v2JSON(info Info) ([]byte, error) {
	paths := make(map[string]any)
	for _, gv := range m.gvs {
		for _, p := range gv.paths {
			paths[p.path] = p.json(v2)
		}
	}
	defs := make(map[string]any, len(m.defs))
	for name, d := range m.defs {
		defs[name] = d.json(v2)
	}
	return marshal(map[string]any{
		"swagger":             "2.0",
		"info":                map[string]any{"title": info.Title, "version": info.Version},
		"paths":               paths,
		"definitions":         defs,
		"securityDefinitions": map[string]any{"BearerToken": bearerToken},
		"security":            []any{map[string]any{"BearerToken": []string{}}},
	})
}

// v3JSON writes the OpenAPI v3 document of one group version: its paths and the definitions they
// reach.
func (m *model) v3JSON(info Info, gv *groupVersion) ([]byte, error) {
	paths := make(map[string]any, len(gv.paths))
	for _, p := range gv.paths {
		paths[p.path] = p.json(v3)
	}
	names := m.closure(gv.roots, gv.paths)
	schemas := make(map[string]any, len(names))
	for _, name := range names {
		schemas[name] = m.defs[name].json(v3)
	}
	return marshal(map[string]any{
		"openapi": "3.0.0",
		"info":    map[string]any{"title": info.Title, "version": info.Version},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"BearerToken": bearerToken},
		},
		"security": []any{map[string]any{"BearerToken": []string{}}},
	})
}

// v3DiscoveryJSON writes the v3 discovery document from the documents' URLs by discovery path.
func v3DiscoveryJSON(urls map[string]string) ([]byte, error) {
	paths := make(map[string]any, len(urls))
	for _, key := range slices.Sorted(maps.Keys(urls)) {
		paths[key] = map[string]string{"serverRelativeURL": urls[key]}
	}
	return marshal(map[string]any{"paths": paths})
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
