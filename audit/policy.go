package audit

import (
	"fmt"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

// The levels of detail a policy can ask for, from nothing to everything.
const (
	LevelNone            = "None"
	LevelMetadata        = "Metadata"
	LevelRequest         = "Request"
	LevelRequestResponse = "RequestResponse"
)

// Policy decides how much of each request to record (audit.k8s.io/v1 Policy): the first rule that
// matches a request gives its level; a request no rule matches is not recorded.
type Policy struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Rules      []Rule   `json:"rules"`
	OmitStages []string `json:"omitStages,omitempty"`
}

// Rule matches requests; empty lists match everything.
type Rule struct {
	Level           string           `json:"level"`
	Users           []string         `json:"users,omitempty"`
	UserGroups      []string         `json:"userGroups,omitempty"`
	Verbs           []string         `json:"verbs,omitempty"`
	Resources       []GroupResources `json:"resources,omitempty"`
	Namespaces      []string         `json:"namespaces,omitempty"`
	NonResourceURLs []string         `json:"nonResourceURLs,omitempty"`
	OmitStages      []string         `json:"omitStages,omitempty"`
}

// GroupResources names resources of one API group; "pods/log" names a subresource, "*/status" a
// subresource of every resource.
type GroupResources struct {
	Group         string   `json:"group"`
	Resources     []string `json:"resources,omitempty"`
	ResourceNames []string `json:"resourceNames,omitempty"`
}

// Request is what a policy looks at.
type Request struct {
	User            UserInfo
	Verb            string
	ResourceRequest bool
	APIGroup        string
	Resource        string
	Subresource     string
	Namespace       string
	Name            string
	Path            string
}

// DefaultPolicy records metadata of every request, as --audit-log-path with no policy does in skiff
// (Kubernetes records nothing without a policy; skiff's journey timeline wants the metadata).
func DefaultPolicy() *Policy {
	return &Policy{APIVersion: "audit.k8s.io/v1", Kind: "Policy", Rules: []Rule{{Level: LevelMetadata}}}
}

// LoadPolicy reads a policy file (YAML or JSON) and checks its levels.
func LoadPolicy(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Policy
	if err := yaml.UnmarshalStrict(data, &p); err != nil {
		return nil, fmt.Errorf("audit policy %s: %w", path, err)
	}
	if p.Kind != "Policy" || !strings.HasPrefix(p.APIVersion, "audit.k8s.io/") {
		return nil, fmt.Errorf("audit policy %s: want kind Policy in audit.k8s.io, got %s %s", path, p.APIVersion, p.Kind)
	}
	for i, r := range p.Rules {
		switch r.Level {
		case LevelNone, LevelMetadata, LevelRequest, LevelRequestResponse:
		default:
			return nil, fmt.Errorf("audit policy %s: rules[%d].level: %q is not None, Metadata, Request or RequestResponse", path, i, r.Level)
		}
	}
	return &p, nil
}

// LevelFor returns the level of the first matching rule, or None.
func (p *Policy) LevelFor(r Request) string {
	if p == nil {
		return LevelNone
	}
	for _, rule := range p.Rules {
		if rule.matches(r) {
			return rule.Level
		}
	}
	return LevelNone
}

func (rule Rule) matches(r Request) bool {
	if len(rule.Users) > 0 && !contains(rule.Users, r.User.Username) {
		return false
	}
	if len(rule.UserGroups) > 0 {
		found := false
		for _, g := range r.User.Groups {
			if contains(rule.UserGroups, g) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if len(rule.Verbs) > 0 && !contains(rule.Verbs, r.Verb) {
		return false
	}
	if !r.ResourceRequest {
		// Rules about resources or namespaces do not match non-resource requests.
		if len(rule.Resources) > 0 || len(rule.Namespaces) > 0 {
			return false
		}
		if len(rule.NonResourceURLs) == 0 {
			return true
		}
		for _, u := range rule.NonResourceURLs {
			if u == r.Path || (strings.HasSuffix(u, "*") && strings.HasPrefix(r.Path, strings.TrimSuffix(u, "*"))) {
				return true
			}
		}
		return false
	}
	if len(rule.NonResourceURLs) > 0 {
		return false
	}
	if len(rule.Namespaces) > 0 && !contains(rule.Namespaces, r.Namespace) {
		return false
	}
	if len(rule.Resources) == 0 {
		return true
	}
	for _, gr := range rule.Resources {
		if gr.Group != r.APIGroup && gr.Group != "*" {
			continue
		}
		if len(gr.ResourceNames) > 0 && !contains(gr.ResourceNames, r.Name) {
			continue
		}
		if len(gr.Resources) == 0 {
			return true
		}
		full := r.Resource
		if r.Subresource != "" {
			full += "/" + r.Subresource
		}
		for _, res := range gr.Resources {
			switch {
			case res == full, res == "*" && r.Subresource == "", res == "*/*":
				return true
			case r.Subresource != "" && (res == "*/"+r.Subresource || res == r.Resource+"/*"):
				return true
			}
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
