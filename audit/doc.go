// Package audit records what every request did: who, what, the decisions on the way and the answer,
// with a timestamp at each stage, in the shape of Kubernetes' audit.k8s.io/v1 Event. The API server
// fills an Event as a request passes its filters and hands it to a Sink when the request ends.
//
//	sink := audit.NewJSONLinesSink(file)
//	server := apiserver.New(apiserver.Config{..., Audit: sink})
//	// each request appends one line:
//	// {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"...","stage":"ResponseComplete",...}
package audit
