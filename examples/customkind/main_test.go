package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		`"name":"widgets","singularName":"widget","namespaced":true,"kind":"Widget"`,
		"created widgets small and big",
		`an invalid widget: 422 Widget.example.com "bad" is invalid: spec.size: Invalid value: 0: must be positive`,
		"kubectl get widgets would print 2 rows: big small",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
