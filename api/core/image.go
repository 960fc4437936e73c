package core

import (
	"regexp"
	"strings"
)

// The grammar of an image reference, as the container registries (and Kubernetes, through
// distribution/reference) define it.
const (
	refAlnum         = `[a-z0-9]+`
	refSeparator     = `(?:[._]|__|[-]+)`
	refPathComponent = refAlnum + `(?:` + refSeparator + refAlnum + `)*`
	refDomainComp    = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	refDomain        = `(?:` + refDomainComp + `(?:\.` + refDomainComp + `)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?`
	refName          = `(?:` + refDomain + `/)?` + refPathComponent + `(?:/` + refPathComponent + `)*`
	refTag           = `[\w][\w.-]{0,127}`
	refDigest        = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`
)

var (
	referenceRegexp  = regexp.MustCompile(`^(` + refName + `)(?::(` + refTag + `))?(?:@(` + refDigest + `))?$`)
	identifierRegexp = regexp.MustCompile(`^[a-f0-9]{64}$`)
)

// imageTag returns the tag an image reference pulls: the tag it names, "latest" when it names
// neither tag nor digest, and "" when it names only a digest. ok is false for a reference that
// does not parse; the kubelet's default pull policy treats those as having no tag.
func imageTag(image string) (tag string, ok bool) {
	if identifierRegexp.MatchString(image) {
		return "", false
	}
	// The repository part (before any tag or digest) must be lower case, as in Kubernetes.
	remote := image
	if i := strings.IndexByte(remote, '@'); i >= 0 {
		remote = remote[:i]
	}
	if i := strings.LastIndexByte(remote, ':'); i > strings.LastIndexByte(remote, '/') {
		remote = remote[:i]
	}
	if i := strings.IndexByte(remote, '/'); i >= 0 && isDomain(remote[:i]) {
		remote = remote[i+1:]
	}
	if strings.ToLower(remote) != remote {
		return "", false
	}
	m := referenceRegexp.FindStringSubmatch(image)
	if m == nil || len(m[1]) > 255 {
		return "", false
	}
	tag, digest := m[2], m[3]
	if digest != "" && !validDigest(digest) {
		return "", false
	}
	if tag == "" && digest == "" {
		tag = "latest"
	}
	return tag, true
}

// isDomain reports whether the first path element of a reference is a registry host rather than
// part of the repository, by the registries' own rule.
func isDomain(s string) bool {
	return strings.ContainsAny(s, ".:") || s == "localhost" || strings.ToLower(s) != s
}

// validDigest accepts the digest algorithms registries use, with hex of the right length.
func validDigest(d string) bool {
	alg, hex, _ := strings.Cut(d, ":")
	want := map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}[alg]
	return want != 0 && len(hex) == want && strings.ToLower(hex) == hex
}
