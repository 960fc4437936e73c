package initialization

import (
	"context"
	"fmt"
	"sort"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// PluginName is the plugin's name, as --enable-admission-plugins spells it.
const PluginName = "Initializers"

// Lister returns the current InitializerConfigurations.
type Lister func(ctx context.Context) ([]*admissionregistration.InitializerConfiguration, error)

// Plugin sets pending initializers on new objects.
type Plugin struct {
	list Lister
}

// New returns the plugin.
func New(list Lister) *Plugin { return &Plugin{list: list} }

var _ admission.Mutator = (*Plugin)(nil)

// Name returns PluginName.
func (p *Plugin) Name() string { return PluginName }

// Handles: creates only; updates may only remove initializers, which validation checks.
func (p *Plugin) Handles(op admission.Operation) bool { return op == admission.Create }

// Admit sets the object's pending initializers from every configuration whose rules match its
// resource, in the configurations' name order and each configuration's order.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	if a.Object == nil || a.Subresource != "" || (a.Group == admissionregistration.GroupName && a.Kind == "InitializerConfiguration") {
		return nil
	}
	configs, err := p.list(ctx)
	if err != nil {
		return fmt.Errorf("listing initializer configurations: %w", err)
	}
	sort.Slice(configs, func(i, j int) bool { return configs[i].Name < configs[j].Name })
	var pending []meta.Initializer
	seen := map[string]bool{}
	for _, c := range configs {
		for _, in := range c.Initializers {
			if seen[in.Name] {
				continue
			}
			for _, r := range in.Rules {
				if r.Matches(a.Group, a.Version, a.Resource) {
					pending = append(pending, meta.Initializer{Name: in.Name})
					seen[in.Name] = true
					break
				}
			}
		}
	}
	if len(pending) == 0 {
		return nil
	}
	m := a.Object.GetObjectMeta()
	m.Initializers = &meta.Initializers{Pending: pending}
	return nil
}

// FromStore lists InitializerConfigurations from a store, under prefix (the kind's store prefix,
// "/registry/initializerconfigurations/" for the built-in registry).
func FromStore(st store.Reader, prefix string) Lister {
	return func(ctx context.Context) ([]*admissionregistration.InitializerConfiguration, error) {
		res, err := st.List(ctx, prefix, store.ListOptions{})
		if err != nil {
			return nil, err
		}
		out := make([]*admissionregistration.InitializerConfiguration, 0, len(res.Items))
		for _, o := range res.Items {
			if c, ok := o.(*admissionregistration.InitializerConfiguration); ok {
				out = append(out, c)
			}
		}
		return out, nil
	}
}
