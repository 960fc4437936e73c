package admission_test

import (
	"context"
	"errors"
	"testing"

	"github.com/skiff-io/skiff/admission"
)

type plugin struct {
	name     string
	log      *[]string
	mutate   bool
	validate bool
	fail     bool
}

func (p plugin) Name() string                        { return p.name }
func (p plugin) Handles(op admission.Operation) bool { return op == admission.Create }

type mutator struct{ plugin }

func (m mutator) Admit(context.Context, *admission.Attributes) error {
	*m.log = append(*m.log, "admit "+m.name)
	if m.fail {
		return errors.New(m.name + " says no")
	}
	return nil
}

type validator struct{ plugin }

func (v validator) Validate(context.Context, *admission.Attributes) error {
	*v.log = append(*v.log, "validate "+v.name)
	if v.fail {
		return errors.New(v.name + " says no")
	}
	return nil
}

func TestChain(t *testing.T) {
	var log []string
	chain := admission.Chain{mutator{plugin{name: "a", log: &log}}, validator{plugin{name: "b", log: &log}}, mutator{plugin{name: "c", log: &log}}}
	a := &admission.Attributes{Operation: admission.Create}
	if err := chain.Admit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if err := chain.Validate(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if got := len(log); got != 3 || log[0] != "admit a" || log[1] != "admit c" || log[2] != "validate b" {
		t.Errorf("order: %v", log)
	}
	log = nil
	chain = admission.Chain{mutator{plugin{name: "x", log: &log, fail: true}}, mutator{plugin{name: "y", log: &log}}}
	err := chain.Admit(context.Background(), a)
	var ae *admission.Error
	if !errors.As(err, &ae) || ae.Plugin != "x" || len(log) != 1 {
		t.Errorf("a rejection stops the chain and names the plugin: %v %v", err, log)
	}
	log = nil
	if err := chain.Admit(context.Background(), &admission.Attributes{Operation: admission.Delete}); err != nil || len(log) != 0 {
		t.Errorf("plugins that do not handle an operation are skipped: %v %v", err, log)
	}
}
