package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/go-logr/logr/testr"
)

func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if err := runDemo(context.Background(), &out, t.TempDir(), testr.New(t)); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"maxSurge 25%, maxUnavailable 25%, revisionHistoryLimit 10, progressDeadlineSeconds 600",
		"spec.replicas: Invalid value: -1",
		"`selector` does not match template `labels`",
		"ADDED    pods/nginx-7c5ddbdf54-x7k2p",
		"4 objects at revision 5 (before: 4 at 5)",
		"Everything worked.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestVersion(t *testing.T) {
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"version"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "skiff ") || !strings.Contains(out.String(), "go1.") {
		t.Errorf("version printed %q", out.String())
	}
}
