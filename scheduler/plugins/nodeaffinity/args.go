package nodeaffinity

import (
	"errors"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
)

// Args are the plugin's arguments, as Kubernetes' NodeAffinityArgs spell them in a scheduler
// configuration's pluginConfig.
type Args struct {
	// TypeMeta lets a configuration name the args' kind and apiVersion
	// (kubescheduler.config.k8s.io/v1, NodeAffinityArgs) as Kubernetes configurations do.
	meta.TypeMeta `json:",inline"`
	// AddedAffinity is applied to every pod of the profile on top of the pod's own: its required
	// terms must match as well as the pod's, its preferred terms add to the pod's in Score. It
	// lets a profile confine its pods to some nodes without touching the pods.
	AddedAffinity *core.NodeAffinity `json:"addedAffinity,omitempty"`
}

// Validate checks that AddedAffinity's terms parse, as Kubernetes' ValidateNodeAffinityArgs does;
// the error lists every problem with its path.
func (a *Args) Validate() error {
	if a.AddedAffinity == nil {
		return nil
	}
	var errs []error
	p := field.NewPath("addedAffinity")
	if ns := a.AddedAffinity.RequiredDuringSchedulingIgnoredDuringExecution; ns != nil {
		if _, err := ParseNodeSelector(ns, p.Child("requiredDuringSchedulingIgnoredDuringExecution")); err != nil {
			errs = append(errs, err)
		}
	}
	if terms := a.AddedAffinity.PreferredDuringSchedulingIgnoredDuringExecution; len(terms) > 0 {
		if _, err := ParsePreferredSchedulingTerms(terms, p.Child("preferredDuringSchedulingIgnoredDuringExecution")); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
