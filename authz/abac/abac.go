package abac

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
)

// The apiVersion and kind of a policy line.
const (
	APIVersion = "abac.authorization.kubernetes.io/v1beta1"
	Kind       = "Policy"
	// apiVersionV0 is the unversioned format's group/version, for lines that name it.
	apiVersionV0 = "abac.authorization.kubernetes.io/v0"
)

// Policy is one line of a policy file.
type Policy struct {
	APIVersion string     `json:"apiVersion,omitempty"`
	Kind       string     `json:"kind,omitempty"`
	Spec       PolicySpec `json:"spec"`
}

// PolicySpec says whom a policy grants what. Empty fields match nothing; "*" matches anything.
type PolicySpec struct {
	// User is the user name; "*" means every authenticated user.
	User string `json:"user,omitempty"`
	// Group is a group the user must be in; "*" means every authenticated user.
	Group string `json:"group,omitempty"`
	// Readonly limits the policy to get, list and watch.
	Readonly bool `json:"readonly,omitempty"`
	// APIGroup, Resource and Namespace select resource requests.
	APIGroup  string `json:"apiGroup,omitempty"`
	Resource  string `json:"resource,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	// NonResourcePath selects non-resource requests: a path, a prefix ending in "*", or "*".
	NonResourcePath string `json:"nonResourcePath,omitempty"`
}

// ErrInvalidPolicy is wrapped by the error for every line that is not a policy.
var ErrInvalidPolicy = errors.New("abac: invalid policy")

// LoadError is a policy file that could not be read, with the line at fault.
type LoadError struct {
	Path string
	// Line is the 1-based line number, or 0 when the file as a whole could not be read.
	Line int
	// Text is the line.
	Text string
	Err  error
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("error reading policy file %s, line %d: %s: %v", e.Path, e.Line, e.Text, e.Err)
	}
	return fmt.Sprintf("error reading policy file %s: %v", e.Path, e.Err)
}

// Unwrap returns the cause: an error wrapping ErrInvalidPolicy, or the read error.
func (e *LoadError) Unwrap() error { return e.Err }

// allAuthenticated is the group "*" stands for.
const allAuthenticated = authn.AllAuthenticated

// Authorizer allows what some policy grants.
type Authorizer struct {
	policies []PolicySpec
}

var _ authz.Authorizer = (*Authorizer)(nil)

// New returns an Authorizer for policies, which it reads as Kubernetes does: a user or group of
// "*" stands for the group system:authenticated, so that "*" never grants anything to anonymous
// requests (name the group system:unauthenticated for that).
func New(policies []Policy) *Authorizer {
	a := &Authorizer{policies: make([]PolicySpec, 0, len(policies))}
	for _, p := range policies {
		s := p.Spec
		if s.User == "*" || s.Group == "*" {
			s.Group = allAuthenticated
			s.User = ""
		}
		a.policies = append(a.policies, s)
	}
	return a
}

// Load reads a policy file and returns its Authorizer. Errors name the file and the line.
func Load(path string) (*Authorizer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &LoadError{Path: path, Err: err}
	}
	defer f.Close()
	policies, err := Parse(path, f)
	if err != nil {
		return nil, err
	}
	return New(policies), nil
}

// maxLineBytes bounds one policy line; real policies are a few hundred bytes.
const maxLineBytes = 1 << 20

// Parse reads policies, one JSON object a line, from r; name is the file name errors give.
// Unversioned lines are converted to PolicySpecs as Kubernetes converts them.
func Parse(name string, r io.Reader) ([]Policy, error) {
	var out []Policy
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLineBytes)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		p, err := parseLine(line)
		if err != nil {
			return nil, &LoadError{Path: name, Line: n, Text: string(line), Err: fmt.Errorf("%w: %w", ErrInvalidPolicy, err)}
		}
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, &LoadError{Path: name, Err: err}
	}
	return out, nil
}

// line holds the fields of both formats: v1beta1's spec, and the unversioned format's flat fields.
type line struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Spec       *PolicySpec `json:"spec"`

	User      string `json:"user"`
	Group     string `json:"group"`
	Readonly  bool   `json:"readonly"`
	Resource  string `json:"resource"`
	Namespace string `json:"namespace"`
}

func parseLine(data []byte) (Policy, error) {
	if data[0] != '{' {
		return Policy{}, errors.New("a policy is a JSON object")
	}
	var l line
	if err := json.Unmarshal(data, &l); err != nil {
		return Policy{}, err
	}
	switch {
	case l.APIVersion == "" || l.Kind == "" || (l.APIVersion == apiVersionV0 && l.Kind == Kind):
		return fromUnversioned(l), nil
	case l.APIVersion == APIVersion && l.Kind == Kind:
		p := Policy{APIVersion: l.APIVersion, Kind: l.Kind}
		if l.Spec != nil {
			p.Spec = *l.Spec
		}
		return p, nil
	}
	return Policy{}, fmt.Errorf("no kind %q is registered for version %q: want kind %q, apiVersion %q", l.Kind, l.APIVersion, Kind, APIVersion)
}

// fromUnversioned converts a Kubernetes 1.0 policy, whose empty fields meant "all": no user or
// group is every authenticated user, no namespace every namespace, no resource every resource,
// and neither namespace nor resource also every non-resource path. It predates API groups, so it
// matches them all.
func fromUnversioned(l line) Policy {
	s := PolicySpec{User: l.User, Group: l.Group, Readonly: l.Readonly, Resource: l.Resource, Namespace: l.Namespace, APIGroup: "*"}
	if l.User == "" && l.Group == "" {
		s.Group = allAuthenticated
	}
	if l.User == "*" || l.Group == "*" {
		s.Group = allAuthenticated
		s.User = ""
	}
	if l.Namespace == "" {
		s.Namespace = "*"
	}
	if l.Resource == "" {
		s.Resource = "*"
	}
	if l.Namespace == "" && l.Resource == "" {
		s.NonResourcePath = "*"
	}
	return Policy{APIVersion: APIVersion, Kind: Kind, Spec: s}
}

// Authorize allows a request some policy matches; otherwise it has no opinion, with the reason
// "No policy matched.". It never denies and never fails.
func (a *Authorizer) Authorize(_ context.Context, attrs authz.Attributes) (authz.Decision, string, error) {
	for i := range a.policies {
		if matches(&a.policies[i], &attrs) {
			return authz.Allow, "", nil
		}
	}
	return authz.NoOpinion, "No policy matched.", nil
}

func matches(p *PolicySpec, a *authz.Attributes) bool {
	if !subjectMatches(p, &a.User) || !verbMatches(p, a) {
		return false
	}
	if a.ResourceRequest {
		return resourceMatches(p, a)
	}
	return nonResourceMatches(p, a)
}

// subjectMatches: every subject the policy names must match, and it must name one.
func subjectMatches(p *PolicySpec, u *authn.User) bool {
	matched := false
	if p.User != "" {
		if p.User != "*" && p.User != u.Name {
			return false
		}
		matched = true
	}
	if p.Group != "" {
		if p.Group != "*" && !contains(u.Groups, p.Group) {
			return false
		}
		matched = true
	}
	return matched
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// verbMatches: every policy allows reads; only policies that are not read-only allow the rest.
func verbMatches(p *PolicySpec, a *authz.Attributes) bool {
	switch a.Verb {
	case "get", "list", "watch":
		return true
	}
	return !p.Readonly
}

func resourceMatches(p *PolicySpec, a *authz.Attributes) bool {
	return (p.Namespace == "*" || p.Namespace == a.Namespace) &&
		(p.Resource == "*" || p.Resource == a.Resource) &&
		(p.APIGroup == "*" || p.APIGroup == a.APIGroup)
}

func nonResourceMatches(p *PolicySpec, a *authz.Attributes) bool {
	switch {
	case p.NonResourcePath == "*" || p.NonResourcePath == a.Path:
		return true
	case strings.HasSuffix(p.NonResourcePath, "*"):
		return strings.HasPrefix(a.Path, strings.TrimRight(p.NonResourcePath, "*"))
	}
	return false
}
