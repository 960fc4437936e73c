// Package defaultbinder is the DefaultBinder plugin: it binds a pod by POSTing a Binding to the
// pod's binding subresource, which sets spec.nodeName once.
package defaultbinder

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name.
const Name = "DefaultBinder"

// Binder is the plugin.
type Binder struct {
	h framework.Handle
}

// New makes the plugin.
func New(_ context.Context, _ json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	return &Binder{h: h}, nil
}

// Name returns Name.
func (b *Binder) Name() string { return Name }

// Bind posts the Binding, with the pod's UID so that a pod deleted and recreated under the same
// name is not bound by mistake.
func (b *Binder) Bind(ctx context.Context, _ *framework.CycleState, pod *core.Pod, nodeName string) *framework.Status {
	c := b.h.Client()
	if c == nil {
		return framework.AsStatus(fmt.Errorf("%s: no client", Name))
	}
	binding := &core.Binding{
		TypeMeta:   meta.TypeMeta{APIVersion: "v1", Kind: "Binding"},
		ObjectMeta: meta.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID},
		Target:     core.ObjectReference{Kind: "Node", Name: nodeName},
	}
	if err := client.For[*core.Pod](c).Namespace(pod.Namespace).CreateSubresource(ctx, pod.Name, "binding", binding, nil, client.CreateOptions{}); err != nil {
		return framework.AsStatus(err)
	}
	return nil
}
