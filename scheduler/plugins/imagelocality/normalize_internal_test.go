package imagelocality

import "testing"

// Kubernetes' TestNormalizedImageName.
func TestNormalizedImageName(t *testing.T) {
	digest := "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
	for in, want := range map[string]string{
		"root":                    "root:latest",
		"gcr.io:5000/root":        "gcr.io:5000/root:latest",
		"root:tag":                "root:tag",
		"root@" + digest:          "root@" + digest,
		"gcr.io:5000/root:v1.2.3": "gcr.io:5000/root:v1.2.3",
	} {
		if got := normalizedImageName(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
