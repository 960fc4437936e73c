package meta_test

import (
	"testing"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
)

func TestDeepCopy(t *testing.T) {
	deepcopytest.Check(t, deepcopytest.New[meta.ObjectMeta]())
	deepcopytest.Check(t, deepcopytest.New[meta.ListMeta]())
	deepcopytest.Check(t, deepcopytest.New[meta.Status]())
	deepcopytest.Check(t, deepcopytest.New[meta.LabelSelector]())
	deepcopytest.Check(t, deepcopytest.New[meta.Condition]())
	deepcopytest.Check(t, deepcopytest.New[meta.ManagedFieldsEntry]())
}
