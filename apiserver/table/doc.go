// Package table is kube-apiserver's server-side printing: it turns objects into the meta.k8s.io/v1
// Table that kubectl asks for ("Accept: application/json;as=Table;v=v1;g=meta.k8s.io") and prints,
// with Kubernetes' columns and cell logic for each built-in kind (pods' STATUS and RESTARTS, nodes'
// ROLES, deployments' READY, events' LAST SEEN, ...) and its default NAME / CREATED AT table for
// every other kind. It also holds the PartialObjectMetadata(List) forms of objects and lists.
//
// A printer per group and kind lives in a Registry; Builtin has Kubernetes' printers. The time is
// passed in, so that AGE columns are deterministic in tests:
//
//	printers := table.Builtin()
//	t, err := printers.Convert(
//		api.GroupVersionKind{Version: "v1", Kind: "Pod"},
//		pods,                       // []meta.Object, shared and read-only
//		table.TableOptions{},       // ?includeObject=: Metadata (default), Object or None
//		meta.ListMeta{ResourceVersion: rv},
//		time.Now(),
//	)
//	json.NewEncoder(w).Encode(t) // {"kind":"Table","apiVersion":"meta.k8s.io/v1",...}
//
// A watch sends one one-row Table per event, with the column definitions in the first only:
//
//	w, err := printers.NewWatch(gvk, opts)
//	for ev := range events {
//		t, err := w.Convert(ev.Object, time.Now())
//		...
//	}
package table
