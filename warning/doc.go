// Package warning carries the warnings of an API request from wherever they arise (an admission
// plugin, a webhook's answer, the decoder) to the response, where the API server sends each as an
// HTTP Warning header and kubectl prints it as "Warning: ...".
//
// The server puts a Recorder in the request's context; code that has something to say calls Add
// and does not need to know about HTTP:
//
//	warning.Add(ctx, `would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false`)
//
// Add does nothing when the context has no recorder, so plugins work unchanged outside a server.
package warning
