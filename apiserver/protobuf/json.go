package protobuf

import "github.com/skiff-io/skiff/apiserver/internal/jsonstr"

// appendString appends s as a JSON string.
func appendString(dst []byte, s string) []byte { return jsonstr.Append(dst, s) }

// appendJSONString appends s as a JSON string, escaped as Kubernetes writes it (see
// jsonstr.Append).
func appendJSONString(dst, s []byte) []byte { return jsonstr.Append(dst, s) }
