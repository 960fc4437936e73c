package admissionregistration

import (
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// InitializerConfiguration lists initializers and the resources each acts on. Cluster-scoped.
type InitializerConfiguration struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Initializers, in the order they run on an object.
	Initializers []Initializer `json:"initializers,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

// Initializer is one initializer and the resources it acts on.
type Initializer struct {
	// Name is a qualified name with at least three segments ("sidecar.example.com").
	Name  string `json:"name"`
	Rules []Rule `json:"rules,omitempty"`
}

// Rule matches resources by group, version and resource; "*" matches all.
type Rule struct {
	APIGroups   []string `json:"apiGroups,omitempty"`
	APIVersions []string `json:"apiVersions,omitempty"`
	Resources   []string `json:"resources,omitempty"`
}

// Matches reports whether the rule covers a resource.
func (r Rule) Matches(group, version, resource string) bool {
	return matchAny(r.APIGroups, group) && matchAny(r.APIVersions, version) && matchAny(r.Resources, resource)
}

func matchAny(list []string, s string) bool {
	for _, v := range list {
		if v == "*" || v == s {
			return true
		}
	}
	return false
}

// ValidateInitializerConfiguration checks names (DNS subdomains with at least three segments, as
// Kubernetes required) and that every rule names at least one group, version and resource.
func ValidateInitializerConfiguration(c *InitializerConfiguration) field.ErrorList {
	errs := meta.ValidateObjectMeta(&c.ObjectMeta, false, validation.NameIsDNSSubdomain, field.NewPath("metadata"))
	seen := map[string]bool{}
	for i, in := range c.Initializers {
		p := field.NewPath("initializers").Index(i)
		if in.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), ""))
		} else {
			for _, msg := range validation.IsDNS1123Subdomain(in.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), in.Name, msg))
			}
			if countDots(in.Name) < 2 {
				errs = append(errs, field.Invalid(p.Child("name"), in.Name, "should be a domain with at least three segments separated by dots"))
			}
			if seen[in.Name] {
				errs = append(errs, field.Duplicate(p.Child("name"), in.Name))
			}
			seen[in.Name] = true
		}
		for j, r := range in.Rules {
			rp := p.Child("rules").Index(j)
			if len(r.APIGroups) == 0 {
				errs = append(errs, field.Required(rp.Child("apiGroups"), ""))
			}
			if len(r.APIVersions) == 0 {
				errs = append(errs, field.Required(rp.Child("apiVersions"), ""))
			}
			if len(r.Resources) == 0 {
				errs = append(errs, field.Required(rp.Child("resources"), ""))
			}
		}
	}
	return errs
}

// ValidateInitializerConfigurationUpdate checks a change.
func ValidateInitializerConfigurationUpdate(c, old *InitializerConfiguration) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidateInitializerConfiguration(c)...)
}

func countDots(s string) int {
	n := 0
	for _, c := range s {
		if c == '.' {
			n++
		}
	}
	return n
}
