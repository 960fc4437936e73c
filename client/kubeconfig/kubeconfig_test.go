package kubeconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin.kubeconfig")
	c := New("skiff", "https://127.0.0.1:6443", []byte("CA"), AuthInfo{ClientCertificateData: []byte("CERT"), ClientKeyData: []byte("KEY")})
	if err := c.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("kubeconfig mode %v: it holds a key", st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	for _, want := range []string{"current-context: skiff", "server: https://127.0.0.1:6443", "certificate-authority-data: Q0E=", "client-key-data: S0VZ"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("kubeconfig lacks %q:\n%s", want, data)
		}
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Users[0].User.ClientKeyData) != "KEY" || back.Clusters[0].Cluster.Server != "https://127.0.0.1:6443" {
		t.Errorf("round trip: %+v", back)
	}
}
