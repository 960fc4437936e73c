package podsecurity

import (
	"regexp"

	"github.com/skiff-io/skiff/api/field"
)

// Level is a Pod Security Standard.
type Level string

// The levels, from least to most restrictive.
const (
	// LevelPrivileged allows anything.
	LevelPrivileged Level = "privileged"
	// LevelBaseline forbids known privilege escalations: host namespaces, privileged containers,
	// added capabilities, hostPath volumes, host ports, unsafe sysctls and the like.
	LevelBaseline Level = "baseline"
	// LevelRestricted is baseline plus hardening: non-root, no privilege escalation, all
	// capabilities dropped, a seccomp profile, and only ephemeral or claimed volume types.
	LevelRestricted Level = "restricted"
)

// The namespace labels that choose a namespace's policy, and the versions of the standards.
const (
	EnforceLevelLabel   = "pod-security.kubernetes.io/enforce"
	EnforceVersionLabel = "pod-security.kubernetes.io/enforce-version"
	AuditLevelLabel     = "pod-security.kubernetes.io/audit"
	AuditVersionLabel   = "pod-security.kubernetes.io/audit-version"
	WarnLevelLabel      = "pod-security.kubernetes.io/warn"
	WarnVersionLabel    = "pod-security.kubernetes.io/warn-version"
)

// LatestVersion is the version of the standards that is always the newest.
const LatestVersion = "latest"

// LevelVersion is a level of a version of the standards: "restricted:latest".
type LevelVersion struct {
	Level Level
	// Version is "latest" or "v1.<minor>". skiff implements the latest standards only: a pinned
	// version is shown in messages and audit annotations, and evaluated as latest.
	Version string
}

func (lv LevelVersion) String() string { return string(lv.Level) + ":" + lv.Version }

// Policy is what a namespace's pods are held to: enforced (refused), audited (annotated in the
// audit log) and warned about (a warning in the response).
type Policy struct {
	Enforce, Audit, Warn LevelVersion
}

// PrivilegedPolicy allows everything: the policy of a namespace without labels, unless Options
// say otherwise.
var PrivilegedPolicy = Policy{
	Enforce: LevelVersion{LevelPrivileged, LatestVersion},
	Audit:   LevelVersion{LevelPrivileged, LatestVersion},
	Warn:    LevelVersion{LevelPrivileged, LatestVersion},
}

var versionRE = regexp.MustCompile(`^v1\.([0-9]|[1-9][0-9]*)$`)

// PolicyFromLabels reads a namespace's policy from its labels, starting from defaults, as
// Kubernetes does. A bad label is reported and replaced: a bad enforce level by restricted (fail
// closed), a bad audit or warn level by privileged (fail open), a bad version by latest.
func PolicyFromLabels(labels map[string]string, defaults Policy) (Policy, field.ErrorList) {
	p := defaults
	var errs field.ErrorList
	path := field.NewPath("metadata", "labels")
	level := func(label string, into *Level, onError Level) {
		v, ok := labels[label]
		if !ok {
			return
		}
		switch Level(v) {
		case LevelPrivileged, LevelBaseline, LevelRestricted:
			*into = Level(v)
		default:
			*into = onError
			errs = append(errs, field.Invalid(path.Key(label), v, "must be one of privileged, baseline, restricted"))
		}
	}
	version := func(label string, into *string) {
		v, ok := labels[label]
		if !ok {
			return
		}
		if v == LatestVersion || versionRE.MatchString(v) {
			*into = v
			return
		}
		*into = LatestVersion
		errs = append(errs, field.Invalid(path.Key(label), v, `must be "latest" or "v1.x"`))
	}
	level(EnforceLevelLabel, &p.Enforce.Level, LevelRestricted)
	version(EnforceVersionLabel, &p.Enforce.Version)
	level(AuditLevelLabel, &p.Audit.Level, LevelPrivileged)
	version(AuditVersionLabel, &p.Audit.Version)
	level(WarnLevelLabel, &p.Warn.Level, LevelPrivileged)
	version(WarnVersionLabel, &p.Warn.Version)
	return p, errs
}

// moreRestrictive reports whether a is stricter than b.
func moreRestrictive(a, b Level) bool { return rank[a] > rank[b] }

var rank = map[Level]int{LevelPrivileged: 0, LevelBaseline: 1, LevelRestricted: 2}
