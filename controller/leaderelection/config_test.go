package leaderelection_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/leaderelection"
)

func TestNewValidatesConfig(t *testing.T) {
	c, err := client.New(client.Config{Host: "https://skiff.test"})
	if err != nil {
		t.Fatal(err)
	}
	valid := func() leaderelection.Config {
		return leaderelection.Config{
			Client:   c,
			Lock:     leaderelection.LeaseRef{Namespace: "kube-system", Name: "ctrl"},
			Identity: "a",
		}
	}
	for _, tc := range []struct {
		name   string
		change func(*leaderelection.Config)
		want   []string // substrings of the error; none means valid
	}{
		{"defaults", func(*leaderelection.Config) {}, nil},
		{"Kubernetes' defaults spelled out", func(c *leaderelection.Config) {
			c.LeaseDuration, c.RenewDeadline, c.RetryPeriod = 15*time.Second, 10*time.Second, 2*time.Second
		}, nil},
		{"short durations", func(c *leaderelection.Config) {
			c.LeaseDuration, c.RenewDeadline, c.RetryPeriod = time.Second, 600*time.Millisecond, 200*time.Millisecond
		}, nil},
		{"no client", func(c *leaderelection.Config) { c.Client = nil }, []string{"a Client is required"}},
		{"no identity", func(c *leaderelection.Config) { c.Identity = "" }, []string{"an Identity is required"}},
		{"no lease name", func(c *leaderelection.Config) { c.Lock.Name = "" }, []string{`Lock needs both a namespace and a name, got "kube-system/"`}},
		{"no lease namespace", func(c *leaderelection.Config) { c.Lock.Namespace = "" }, []string{"Lock needs both a namespace and a name"}},
		{"lease not longer than the renew deadline", func(c *leaderelection.Config) {
			c.LeaseDuration, c.RenewDeadline = 10*time.Second, 10*time.Second
		}, []string{"LeaseDuration (10s) must be greater than RenewDeadline (10s)"}},
		{"default renew deadline longer than the lease", func(c *leaderelection.Config) { c.LeaseDuration = 5 * time.Second },
			[]string{"LeaseDuration (5s) must be greater than RenewDeadline (10s)"}},
		{"renew deadline within one jittered retry", func(c *leaderelection.Config) {
			c.RenewDeadline, c.RetryPeriod = 10*time.Second, 9*time.Second
		}, []string{"RenewDeadline (10s) must be greater than RetryPeriod*JitterFactor (9s*1.2 = 10.8s)"}},
		{"renew deadline exactly one jittered retry", func(c *leaderelection.Config) {
			c.RenewDeadline, c.RetryPeriod = 12*time.Second, 10*time.Second
		}, []string{"RenewDeadline (12s) must be greater than RetryPeriod*JitterFactor"}},
		{"negative durations", func(c *leaderelection.Config) {
			c.LeaseDuration, c.RenewDeadline, c.RetryPeriod = -1, -time.Second, -time.Millisecond
		}, []string{"LeaseDuration must be positive, got -1ns", "RenewDeadline must be positive, got -1s", "RetryPeriod must be positive, got -1ms"}},
		{"every problem at once", func(c *leaderelection.Config) {
			*c = leaderelection.Config{RetryPeriod: 20 * time.Second}
		}, []string{"a Client is required", "Lock needs", "an Identity is required", "RenewDeadline (10s) must be greater than RetryPeriod*JitterFactor"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := valid()
			tc.change(&cfg)
			e, err := leaderelection.New(cfg)
			if len(tc.want) == 0 {
				if err != nil || e == nil {
					t.Fatalf("New: %v, want a valid configuration", err)
				}
				return
			}
			if !errors.Is(err, leaderelection.ErrInvalidConfig) {
				t.Fatalf("New: %v, want an error wrapping ErrInvalidConfig", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}
