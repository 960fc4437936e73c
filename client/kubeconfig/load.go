package kubeconfig

import (
	"errors"
	"fmt"
	"io/fs"

	"path/filepath"
	"strings"
)

// Sources are where kubectl looks for its configuration, in its order of precedence: an explicit
// file (--kubeconfig) alone; else the files of the KUBECONFIG variable, merged; else
// ~/.kube/config. The library reads no environment itself: the caller passes the variable's value
// and the home folder.
type Sources struct {
	// Explicit is the --kubeconfig flag; the file must exist.
	Explicit string
	// Env is the value of KUBECONFIG: files separated by the OS's list separator (":" here).
	Env string
	// Home is the user's home folder, for ~/.kube/config.
	Home string
}

// Files returns the files the sources name, in precedence order.
func (s Sources) Files() []string {
	switch {
	case s.Explicit != "":
		return []string{s.Explicit}
	case s.Env != "":
		var out []string
		seen := map[string]bool{}
		for _, f := range filepath.SplitList(s.Env) {
			if f != "" && !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
		return out
	case s.Home != "":
		return []string{filepath.Join(s.Home, ".kube", "config")}
	}
	return nil
}

// ErrNoConfig is returned when no source holds a configuration.
var ErrNoConfig = errors.New("kubeconfig: no configuration has been provided")

// LoadSources reads and merges the files of s by kubectl's rules: files that do not exist are
// skipped (an explicit one must exist); the first file to name a cluster, user or context wins for
// that name, and the first to set current-context wins. Nothing found is ErrNoConfig.
func LoadSources(s Sources) (*Config, error) {
	out := &Config{APIVersion: "v1", Kind: "Config", Preferences: map[string]any{}}
	found := false
	clusters, users, contexts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, f := range s.Files() {
		c, err := Load(f)
		if errors.Is(err, fs.ErrNotExist) && s.Explicit == "" {
			continue
		}
		if err != nil {
			return nil, err
		}
		found = true
		if out.CurrentContext == "" {
			out.CurrentContext = c.CurrentContext
		}
		for _, x := range c.Clusters {
			if !clusters[x.Name] {
				clusters[x.Name] = true
				out.Clusters = append(out.Clusters, x)
			}
		}
		for _, x := range c.Users {
			if !users[x.Name] {
				users[x.Name] = true
				out.Users = append(out.Users, x)
			}
		}
		for _, x := range c.Contexts {
			if !contexts[x.Name] {
				contexts[x.Name] = true
				out.Contexts = append(out.Contexts, x)
			}
		}
	}
	if !found {
		return nil, fmt.Errorf("%w (looked in %s)", ErrNoConfig, strings.Join(s.Files(), ", "))
	}
	return out, nil
}

// Resolved is what one context of a kubeconfig points at.
type Resolved struct {
	Context     string
	Cluster     Cluster
	ClusterName string
	User        AuthInfo
	UserName    string
	// Namespace is the context's namespace; "default" when it names none.
	Namespace string
}

// ErrInvalid is wrapped by errors about a kubeconfig whose context cannot be followed.
var ErrInvalid = errors.New("kubeconfig: invalid configuration")

// Resolve follows a context (the current one when name is empty) to its cluster and user.
func (c *Config) Resolve(name string) (*Resolved, error) {
	if name == "" {
		name = c.CurrentContext
	}
	if name == "" {
		return nil, fmt.Errorf("%w: no context chosen and no current-context set", ErrInvalid)
	}
	var ctx *Context
	for i := range c.Contexts {
		if c.Contexts[i].Name == name {
			ctx = &c.Contexts[i].Context
			break
		}
	}
	if ctx == nil {
		return nil, fmt.Errorf("%w: context %q does not exist", ErrInvalid, name)
	}
	out := &Resolved{Context: name, ClusterName: ctx.Cluster, UserName: ctx.User, Namespace: ctx.Namespace}
	if out.Namespace == "" {
		out.Namespace = "default"
	}
	cl := false
	for i := range c.Clusters {
		if c.Clusters[i].Name == ctx.Cluster {
			out.Cluster, cl = c.Clusters[i].Cluster, true
			break
		}
	}
	if !cl {
		return nil, fmt.Errorf("%w: context %q names cluster %q, which does not exist", ErrInvalid, name, ctx.Cluster)
	}
	if out.Cluster.Server == "" {
		return nil, fmt.Errorf("%w: cluster %q has no server", ErrInvalid, ctx.Cluster)
	}
	if ctx.User != "" {
		us := false
		for i := range c.Users {
			if c.Users[i].Name == ctx.User {
				out.User, us = c.Users[i].User, true
				break
			}
		}
		if !us {
			return nil, fmt.Errorf("%w: context %q names user %q, which does not exist", ErrInvalid, name, ctx.User)
		}
	}
	return out, nil
}
