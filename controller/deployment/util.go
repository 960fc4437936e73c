package deployment

import (
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/intstr"
)

// The annotations the controller keeps on Deployments and ReplicaSets, as Kubernetes names them.
const (
	RevisionAnnotation        = "deployment.kubernetes.io/revision"
	RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history"
	DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
	MaxReplicasAnnotation     = "deployment.kubernetes.io/max-replicas"
	lastAppliedAnnotation     = "kubectl.kubernetes.io/last-applied-configuration"
)

// The reasons of the Progressing and Available conditions.
const (
	ReasonNewRSCreated      = "NewReplicaSetCreated"
	ReasonFoundNewRS        = "FoundNewReplicaSet"
	ReasonRSUpdated         = "ReplicaSetUpdated"
	ReasonNewRSAvailable    = "NewReplicaSetAvailable"
	ReasonTimedOut          = "ProgressDeadlineExceeded"
	ReasonPaused            = "DeploymentPaused"
	ReasonResumed           = "DeploymentResumed"
	ReasonMinimumAvailable  = "MinimumReplicasAvailable"
	ReasonMinimumUnvailable = "MinimumReplicasUnavailable"
)

// safeChars is the alphabet of pod-template-hash values: no vowels (no words) and no characters
// that look alike.
const safeChars = "bcdfghjklmnpqrstvwxz2456789"

// templateHash is the pod-template-hash of a template: FNV-32a over its JSON (deterministic:
// encoding/json sorts map keys) and the collision count, spelled in safeChars as Kubernetes does.
func templateHash(t *core.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	b, _ := json.Marshal(t) // a template always encodes
	h.Write(b)
	if collisionCount != nil {
		var c [4]byte
		binary.LittleEndian.PutUint32(c[:], uint32(*collisionCount))
		h.Write(c[:])
	}
	digits := strconv.FormatUint(uint64(h.Sum32()), 10)
	out := make([]byte, len(digits))
	for i := range len(digits) {
		out[i] = safeChars[int(digits[i])%len(safeChars)]
	}
	return string(out)
}

// equalIgnoreHash reports whether two templates are the same but for the pod-template-hash label.
func equalIgnoreHash(a, b *core.PodTemplateSpec) bool {
	a, b = a.DeepCopy(), b.DeepCopy()
	delete(a.Labels, apps.DefaultDeploymentUniqueLabelKey)
	delete(b.Labels, apps.DefaultDeploymentUniqueLabelKey)
	if len(a.Labels) == 0 {
		a.Labels = nil
	}
	if len(b.Labels) == 0 {
		b.Labels = nil
	}
	return equality.DeepEqual(a, b)
}

func replicas(d *apps.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

func rsReplicas(rs *apps.ReplicaSet) int32 {
	if rs == nil || rs.Spec.Replicas == nil {
		return 0
	}
	return *rs.Spec.Replicas
}

func isRolling(d *apps.Deployment) bool {
	return d.Spec.Strategy.Type != apps.RecreateDeploymentStrategyType
}

// fenceposts resolves maxSurge (rounded up) and maxUnavailable (rounded down) against the desired
// replicas; both zero would block the rollout, so maxUnavailable becomes 1 then.
func fenceposts(d *apps.Deployment) (surge, unavailable int32) {
	desired := int(replicas(d))
	def := intstr.FromString("25%")
	var ru apps.RollingUpdateDeployment
	if d.Spec.Strategy.RollingUpdate != nil {
		ru = *d.Spec.Strategy.RollingUpdate
	}
	s, err := intstr.GetScaledValueFromIntOrPercent(intstr.ValueOrDefault(ru.MaxSurge, def), desired, true)
	if err != nil {
		s = 0
	}
	u, err := intstr.GetScaledValueFromIntOrPercent(intstr.ValueOrDefault(ru.MaxUnavailable, def), desired, false)
	if err != nil {
		u = 0
	}
	if s == 0 && u == 0 {
		u = 1
	}
	return int32(s), int32(u)
}

// maxSurge is how many pods above the desired count a rolling update may run.
func maxSurge(d *apps.Deployment) int32 {
	if !isRolling(d) {
		return 0
	}
	s, _ := fenceposts(d)
	return s
}

// maxUnavailable is how many pods below the desired count a rolling update may leave unavailable.
func maxUnavailable(d *apps.Deployment) int32 {
	if !isRolling(d) || replicas(d) == 0 {
		return 0
	}
	_, u := fenceposts(d)
	return min(u, replicas(d))
}

func revisionOf(annotations map[string]string) int64 {
	n, err := strconv.ParseInt(annotations[RevisionAnnotation], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// setRSAnnotations copies the Deployment's annotations (but its own bookkeeping) onto rs and
// gives it revision; it reports whether anything changed.
func setRSAnnotations(d *apps.Deployment, rs *apps.ReplicaSet, revision string, created bool) bool {
	changed := false
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	for k, v := range d.Annotations {
		if skipCopy(k) || rs.Annotations[k] == v {
			continue
		}
		rs.Annotations[k] = v
		changed = true
	}
	old := rs.Annotations[RevisionAnnotation]
	oldN, _ := strconv.ParseInt(old, 10, 64)
	newN, _ := strconv.ParseInt(revision, 10, 64)
	if old == "" || oldN < newN {
		rs.Annotations[RevisionAnnotation] = revision
		changed = true
		if old != "" {
			// The RS is reused (a rollback): remember the revisions it has had.
			hist := rs.Annotations[RevisionHistoryAnnotation]
			if hist == "" {
				hist = old
			} else {
				hist += "," + old
			}
			rs.Annotations[RevisionHistoryAnnotation] = hist
		}
	}
	if created {
		if setReplicasAnnotations(rs, replicas(d), replicas(d)+maxSurge(d)) {
			changed = true
		}
	}
	return changed
}

func skipCopy(k string) bool {
	switch k {
	case lastAppliedAnnotation, RevisionAnnotation, RevisionHistoryAnnotation, DesiredReplicasAnnotation, MaxReplicasAnnotation:
		return true
	}
	return false
}

// setReplicasAnnotations records the Deployment's size on rs, which proportional scaling reads.
func setReplicasAnnotations(rs *apps.ReplicaSet, desired, maxReplicas int32) bool {
	if rs.Annotations == nil {
		rs.Annotations = map[string]string{}
	}
	d, m := strconv.Itoa(int(desired)), strconv.Itoa(int(maxReplicas))
	if rs.Annotations[DesiredReplicasAnnotation] == d && rs.Annotations[MaxReplicasAnnotation] == m {
		return false
	}
	rs.Annotations[DesiredReplicasAnnotation] = d
	rs.Annotations[MaxReplicasAnnotation] = m
	return true
}

func intAnnotation(rs *apps.ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, false
	}
	return int32(n), true
}

// proportion is how many of the replicas still to add (or remove, when negative) rs takes in
// proportional scaling: its share of the new maximum, by the size it had at the old maximum.
func proportion(rs *apps.ReplicaSet, d *apps.Deployment, toAdd, added int32) int32 {
	if rsReplicas(rs) == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	var fraction int32
	if replicas(d) == 0 {
		fraction = -rsReplicas(rs)
	} else {
		newMax := replicas(d) + maxSurge(d)
		oldMax, ok := intAnnotation(rs, MaxReplicasAnnotation)
		if !ok || oldMax == 0 {
			oldMax = d.Status.Replicas
		}
		if oldMax == 0 {
			oldMax = newMax
		}
		size := float64(rsReplicas(rs)) * float64(newMax) / float64(oldMax)
		fraction = int32(math.Round(size)) - rsReplicas(rs)
	}
	allowed := toAdd - added
	if toAdd > 0 {
		return min(fraction, allowed)
	}
	return max(fraction, allowed)
}

// sortBySizeNewer puts larger ReplicaSets first, newer first among equals; sortBySizeOlder the
// same but older first among equals.
func sortBySize(rss []*apps.ReplicaSet, newerFirst bool) {
	slices.SortStableFunc(rss, func(a, b *apps.ReplicaSet) int {
		if ra, rb := rsReplicas(a), rsReplicas(b); ra != rb {
			return int(rb - ra)
		}
		c := a.CreationTimestamp.Time.Compare(b.CreationTimestamp.Time)
		if c == 0 {
			c = strings.Compare(a.Name, b.Name)
		}
		if newerFirst {
			return -c
		}
		return c
	})
}

// sortByCreation puts older ReplicaSets first.
func sortByCreation(rss []*apps.ReplicaSet) {
	slices.SortStableFunc(rss, func(a, b *apps.ReplicaSet) int {
		if c := a.CreationTimestamp.Time.Compare(b.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

func activeRSs(rss []*apps.ReplicaSet) []*apps.ReplicaSet {
	var out []*apps.ReplicaSet
	for _, rs := range rss {
		if rs != nil && rsReplicas(rs) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

func sumSpec(rss []*apps.ReplicaSet) int32 {
	var n int32
	for _, rs := range rss {
		n += rsReplicas(rs)
	}
	return n
}

func sumStatus(rss []*apps.ReplicaSet, f func(*apps.ReplicaSetStatus) int32) int32 {
	var n int32
	for _, rs := range rss {
		if rs != nil {
			n += f(&rs.Status)
		}
	}
	return n
}

func condition(st *apps.DeploymentStatus, t apps.DeploymentConditionType) *apps.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

// setCondition sets a condition, keeping its lastTransitionTime when its status does not change
// (and its lastUpdateTime too when nothing about it changes).
func setCondition(st *apps.DeploymentStatus, c apps.DeploymentCondition) {
	cur := condition(st, c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason && cur.Message == c.Message {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	removeCondition(st, c.Type)
	st.Conditions = append(st.Conditions, c)
}

func removeCondition(st *apps.DeploymentStatus, t apps.DeploymentConditionType) {
	st.Conditions = slices.DeleteFunc(st.Conditions, func(c apps.DeploymentCondition) bool { return c.Type == t })
	if len(st.Conditions) == 0 {
		st.Conditions = nil
	}
}

// complete reports whether the rollout is done: every pod is updated and available.
func complete(d *apps.Deployment, st *apps.DeploymentStatus) bool {
	r := replicas(d)
	return st.UpdatedReplicas == r && st.Replicas == r && st.AvailableReplicas == r && st.ObservedGeneration >= d.Generation
}

// progressing reports whether the new status moved the rollout forward from the old one.
func progressing(old, st *apps.DeploymentStatus) bool {
	return st.UpdatedReplicas > old.UpdatedReplicas || st.Replicas-st.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		st.ReadyReplicas > old.ReadyReplicas || st.AvailableReplicas > old.AvailableReplicas
}

func hasDeadline(d *apps.Deployment) bool {
	return d.Spec.ProgressDeadlineSeconds != nil && *d.Spec.ProgressDeadlineSeconds != math.MaxInt32
}
