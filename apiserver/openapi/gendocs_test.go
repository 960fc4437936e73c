package openapi

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedDocsAreFresh checks that zz_generated.docs.go holds the comments of the API packages
// as they are now: descriptions, and the +optional markers that decide which fields are required.
func TestGeneratedDocsAreFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go run")
	}
	out := filepath.Join(t.TempDir(), "docs.go")
	cmd := exec.Command("go", "run", "gendocs.go", "-o", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gendocs.go: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("zz_generated.docs.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("zz_generated.docs.go is stale: comments in api/ changed; run `go generate ./apiserver/openapi`")
	}
}
