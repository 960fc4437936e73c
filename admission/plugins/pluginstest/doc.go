// Package pluginstest is the test kit of the built-in admission plugins: a real in-memory store
// with the built-in kinds, objects put into it under the keys the API server uses, a pod builder
// and admission attributes shaped as the API server fills them.
//
//	st := pluginstest.Store(t)
//	pluginstest.Put(t, st, pluginstest.Namespace("team-a", nil))
//	pod := pluginstest.MakePod("team-a", "web").
//		Container("app").Requests("cpu", "100m").Limits("cpu", "1").
//		Obj()
//	a := pluginstest.Create(pod)
//	if err := plugin.Admit(ctx, a); err != nil {
//		t.Fatal(err)
//	}
package pluginstest
