package openapi

import (
	"maps"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// The OpenAPI v2 document in protobuf is a gnostic openapi_v2.Document
// (github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto). It is written here field by field
// with protowire: gnostic's Go package parses documents with a YAML library this module does not
// depend on. The field numbers below are those of OpenAPIv2.proto; the encoding is checked against
// gnostic's own descriptor by the tests.

// Field numbers of OpenAPIv2.proto.
const (
	documentSwagger             = 1
	documentInfo                = 2
	documentPaths               = 8
	documentDefinitions         = 9
	documentSecurity            = 12
	documentSecurityDefinitions = 13

	infoTitle   = 1
	infoVersion = 2

	pathsPath = 2 // repeated NamedPathItem

	namedName  = 1 // name of every Named* message
	namedValue = 2 // value of every Named* message

	pathItemParameters = 9

	operationTags            = 1
	operationDescription     = 3
	operationOperationID     = 5
	operationProduces        = 6
	operationConsumes        = 7
	operationParameters      = 8
	operationResponses       = 9
	operationSchemes         = 10
	operationVendorExtension = 13

	parametersItemParameter      = 1
	parameterBodyParameter       = 1
	parameterNonBodyParameter    = 2
	nonBodyQueryParameter        = 3
	nonBodyPathParameter         = 4
	bodyParameterName            = 2
	bodyParameterIn              = 3
	bodyParameterRequired        = 4
	bodyParameterSchema          = 5
	subSchemaRequired            = 1
	subSchemaIn                  = 2
	subSchemaDescription         = 3
	subSchemaName                = 4
	querySubSchemaType           = 6
	querySubSchemaUniqueItems    = 20
	pathSubSchemaType            = 5
	pathSubSchemaUniqueItems     = 19
	responsesResponseCode        = 1
	responseValueResponse        = 1
	responseDescription          = 1
	responseSchema               = 2
	schemaItemSchema             = 1
	schemaRef                    = 1
	schemaFormat                 = 2
	schemaDescription            = 4
	schemaDefault                = 5
	schemaRequired               = 19
	schemaAdditionalProperties   = 21
	schemaType                   = 22
	schemaItems                  = 23
	schemaProperties             = 25
	schemaVendorExtension        = 31
	additionalPropertiesSchema   = 1
	typeItemValue                = 1
	itemsItemSchema              = 1
	propertiesAdditional         = 1
	definitionsAdditional        = 1
	anyYAML                      = 2
	securityRequirementAdditonal = 1
	securityDefinitionsAdditonal = 1
	securityItemAPIKey           = 2
	apiKeyType                   = 1
	apiKeyName                   = 2
	apiKeyIn                     = 3
	apiKeyDescription            = 4
)

// pathItem field numbers by method.
var pathItemMethods = map[string]protowire.Number{"get": 2, "put": 3, "post": 4, "delete": 5, "patch": 8}

func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendStrings(b []byte, num protowire.Number, ss []string) []byte {
	for _, s := range ss {
		b = protowire.AppendTag(b, num, protowire.BytesType)
		b = protowire.AppendString(b, s)
	}
	return b
}

func appendBool(b []byte, num protowire.Number, v bool) []byte {
	if !v {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, 1)
}

// appendMessage appends field num holding the message body writes, which it writes in place and
// then prefixes with its length.
func appendMessage(b []byte, num protowire.Number, body func([]byte) []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	start := len(b)
	b = body(b)
	var size [10]byte
	return slices.Insert(b, start, protowire.AppendVarint(size[:0], uint64(len(b)-start))...)
}

// appendNamed appends a Named* message: a name and a value message.
func appendNamed(b []byte, num protowire.Number, name string, value func([]byte) []byte) []byte {
	return appendMessage(b, num, func(b []byte) []byte {
		b = appendString(b, namedName, name)
		return appendMessage(b, namedValue, value)
	})
}

// appendExtensions appends vendor extensions as NamedAny messages whose Any holds the value as
// YAML, as gnostic stores them; JSON is YAML.
func appendExtensions(b []byte, num protowire.Number, exts []extension) []byte {
	slices.SortFunc(exts, func(a, b extension) int { return strings.Compare(a.name, b.name) })
	for _, e := range exts {
		b = appendNamed(b, num, e.name, func(b []byte) []byte {
			return appendString(b, anyYAML, string(e.value)+"\n")
		})
	}
	return b
}

func (s *schema) proto(b []byte, gvks []extension) []byte {
	if s.ref != "" {
		b = appendString(b, schemaRef, "#/definitions/"+s.ref)
	} else {
		b = appendString(b, schemaFormat, s.format)
	}
	b = appendString(b, schemaDescription, s.description)
	if s.defaultValue != nil {
		b = appendMessage(b, schemaDefault, func(b []byte) []byte { return appendString(b, anyYAML, string(s.defaultValue)+"\n") })
	}
	if s.ref == "" {
		b = appendStrings(b, schemaRequired, s.required)
		if s.additional != nil {
			b = appendMessage(b, schemaAdditionalProperties, func(b []byte) []byte {
				return appendMessage(b, additionalPropertiesSchema, func(b []byte) []byte { return s.additional.proto(b, nil) })
			})
		}
		if s.typ != "" {
			b = appendMessage(b, schemaType, func(b []byte) []byte { return appendString(b, typeItemValue, s.typ) })
		}
		if s.items != nil {
			b = appendMessage(b, schemaItems, func(b []byte) []byte {
				return appendMessage(b, itemsItemSchema, func(b []byte) []byte { return s.items.proto(b, nil) })
			})
		}
		if len(s.properties) > 0 {
			b = appendMessage(b, schemaProperties, func(b []byte) []byte {
				for _, p := range s.properties {
					b = appendNamed(b, propertiesAdditional, p.name, func(b []byte) []byte { return p.schema.proto(b, nil) })
				}
				return b
			})
		}
	}
	return appendExtensions(b, schemaVendorExtension, append(slices.Clone(s.extensions), gvks...))
}

func (p parameter) proto(b []byte) []byte {
	return appendMessage(b, parametersItemParameter, func(b []byte) []byte {
		return appendMessage(b, parameterNonBodyParameter, func(b []byte) []byte {
			sub, typ, unique := protowire.Number(nonBodyQueryParameter), protowire.Number(querySubSchemaType), protowire.Number(querySubSchemaUniqueItems)
			if p.in == "path" {
				sub, typ, unique = nonBodyPathParameter, pathSubSchemaType, pathSubSchemaUniqueItems
			}
			return appendMessage(b, sub, func(b []byte) []byte {
				b = appendBool(b, subSchemaRequired, p.required)
				b = appendString(b, subSchemaIn, p.in)
				b = appendString(b, subSchemaDescription, p.description)
				b = appendString(b, subSchemaName, p.name)
				b = appendString(b, typ, p.typ)
				return appendBool(b, unique, true)
			})
		})
	})
}

func (o *operation) proto(b []byte) []byte {
	b = appendStrings(b, operationTags, []string{o.tag})
	b = appendString(b, operationDescription, o.description)
	b = appendString(b, operationOperationID, o.id)
	b = appendStrings(b, operationProduces, o.produces)
	b = appendStrings(b, operationConsumes, o.consumes)
	if o.body != nil {
		b = appendMessage(b, operationParameters, func(b []byte) []byte {
			return appendMessage(b, parametersItemParameter, func(b []byte) []byte {
				return appendMessage(b, parameterBodyParameter, func(b []byte) []byte {
					b = appendString(b, bodyParameterName, "body")
					b = appendString(b, bodyParameterIn, "body")
					b = appendBool(b, bodyParameterRequired, o.bodyRequired)
					return appendMessage(b, bodyParameterSchema, func(b []byte) []byte { return o.body.proto(b, nil) })
				})
			})
		})
	}
	for _, p := range o.params {
		b = appendMessage(b, operationParameters, p.proto)
	}
	b = appendMessage(b, operationResponses, func(b []byte) []byte {
		for _, r := range o.responses {
			b = appendNamed(b, responsesResponseCode, r.code, func(b []byte) []byte {
				return appendMessage(b, responseValueResponse, func(b []byte) []byte {
					b = appendString(b, responseDescription, r.description)
					if r.schema == nil {
						return b
					}
					return appendMessage(b, responseSchema, func(b []byte) []byte {
						return appendMessage(b, schemaItemSchema, func(b []byte) []byte { return r.schema.proto(b, nil) })
					})
				})
			})
		}
		return b
	})
	b = appendStrings(b, operationSchemes, []string{"https"})
	exts := []extension{newExtension("x-kubernetes-action", o.action)}
	if o.gvk != nil {
		exts = append(exts, newExtension(gvkExtension, gvkObject(*o.gvk)))
	}
	return appendExtensions(b, operationVendorExtension, exts)
}

func (p *pathItem) proto(b []byte) []byte {
	for _, op := range p.ops { // ops are sorted get, put, post, delete, patch: field number order
		b = appendMessage(b, pathItemMethods[op.method], op.proto)
	}
	for _, param := range p.params {
		b = appendMessage(b, pathItemParameters, param.proto)
	}
	return b
}

// v2Proto writes the OpenAPI v2 document as a serialized openapi_v2.Document.
func (m *model) v2Proto(info Info) []byte {
	b := make([]byte, 0, 1<<20)
	b = appendString(b, documentSwagger, "2.0")
	b = appendMessage(b, documentInfo, func(b []byte) []byte {
		b = appendString(b, infoTitle, info.Title)
		return appendString(b, infoVersion, info.Version)
	})
	var paths []*pathItem
	for _, gv := range m.gvs {
		paths = append(paths, gv.paths...)
	}
	slices.SortFunc(paths, func(a, b *pathItem) int { return strings.Compare(a.path, b.path) })
	b = appendMessage(b, documentPaths, func(b []byte) []byte {
		for _, p := range paths {
			b = appendNamed(b, pathsPath, p.path, p.proto)
		}
		return b
	})
	b = appendMessage(b, documentDefinitions, func(b []byte) []byte {
		for _, name := range slices.Sorted(maps.Keys(m.defs)) {
			d := m.defs[name]
			var gvks []extension
			if len(d.gvks) > 0 {
				gvks = []extension{newExtension(gvkExtension, gvkList(d.gvks))}
			}
			b = appendNamed(b, definitionsAdditional, name, func(b []byte) []byte { return d.schema.proto(b, gvks) })
		}
		return b
	})
	b = appendMessage(b, documentSecurity, func(b []byte) []byte {
		return appendNamed(b, securityRequirementAdditonal, "BearerToken", func(b []byte) []byte { return b })
	})
	b = appendMessage(b, documentSecurityDefinitions, func(b []byte) []byte {
		return appendNamed(b, securityDefinitionsAdditonal, "BearerToken", func(b []byte) []byte {
			return appendMessage(b, securityItemAPIKey, func(b []byte) []byte {
				b = appendString(b, apiKeyType, bearerToken["type"].(string))
				b = appendString(b, apiKeyName, bearerToken["name"].(string))
				b = appendString(b, apiKeyIn, bearerToken["in"].(string))
				return appendString(b, apiKeyDescription, bearerToken["description"].(string))
			})
		})
	})
	return b
}
