package resourcequota_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/plugins/pluginstest"
	"github.com/skiff-io/skiff/admission/resourcequota"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

var list = pluginstest.List

// quota returns an initialized quota: status.hard is spec.hard and used is as given.
func quota(name string, hard, used core.ResourceList, scopes ...core.ResourceQuotaScope) *core.ResourceQuota {
	return &core.ResourceQuota{
		ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: name},
		Spec:       core.ResourceQuotaSpec{Hard: hard, Scopes: scopes},
		Status:     core.ResourceQuotaStatus{Hard: hard, Used: used},
	}
}

func message(err error) string {
	var st *meta.Status
	switch {
	case err == nil:
		return ""
	case errors.As(err, &st):
		return fmt.Sprintf("%d %s", st.Code, st.Message)
	default:
		return "not a Status: " + err.Error()
	}
}

func usedOf(t *testing.T, st store.Store, name string) core.ResourceList {
	t.Helper()
	q, err := store.GetAs[*core.ResourceQuota](context.Background(), st, store.Key("resourcequotas", "ns", name))
	if err != nil {
		t.Fatal(err)
	}
	return q.Status.Used
}

func dryRun(a *admission.Attributes) *admission.Attributes {
	a.DryRun = true
	return a
}

func TestValidate(t *testing.T) {
	web := pluginstest.MakePod("ns", "web").Container("app").Requests("cpu", "500m", "memory", "1Gi").Limits("cpu", "1", "memory", "1Gi").Obj()
	bestEffort := pluginstest.MakePod("ns", "web").Container("app").Obj()
	deadline := int64(60)
	job := pluginstest.MakePod("ns", "job").Container("app").Requests("cpu", "1").Spec(func(s *core.PodSpec) { s.ActiveDeadlineSeconds = &deadline }).Obj()
	resized := web.DeepCopy()
	resized.ResourceVersion = "7"
	bigger := web.DeepCopy()
	bigger.Spec.Containers[0].Resources.Requests = list("cpu", "1500m", "memory", "1Gi")
	resize := pluginstest.Update(bigger, resized)
	resize.Subresource = "resize"

	tests := []struct {
		name     string
		quotas   []*core.ResourceQuota
		a        *admission.Attributes
		wantErr  string
		wantUsed map[string]core.ResourceList
	}{
		{
			name:     "room left",
			quotas:   []*core.ResourceQuota{quota("q", list("pods", "2"), list("pods", "1"))},
			a:        pluginstest.Create(web),
			wantUsed: map[string]core.ResourceList{"q": list("pods", "2")},
		},
		{
			name:     "full",
			quotas:   []*core.ResourceQuota{quota("q", list("pods", "2"), list("pods", "2"))},
			a:        pluginstest.Create(web),
			wantErr:  `403 pods "web" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2`,
			wantUsed: map[string]core.ResourceList{"q": list("pods", "2")},
		},
		{
			name: "compute resources, requests as cpu and memory",
			quotas: []*core.ResourceQuota{quota("q",
				list("pods", "10", "count/pods", "10", "cpu", "10", "memory", "10Gi", "requests.cpu", "10", "requests.memory", "10Gi", "limits.cpu", "10", "limits.memory", "10Gi"),
				list("pods", "0", "count/pods", "0", "cpu", "0", "memory", "0", "requests.cpu", "0", "requests.memory", "0", "limits.cpu", "0", "limits.memory", "0"))},
			a: pluginstest.Create(web),
			wantUsed: map[string]core.ResourceList{"q": list("pods", "1", "count/pods", "1", "cpu", "500m", "memory", "1Gi",
				"requests.cpu", "500m", "requests.memory", "1Gi", "limits.cpu", "1", "limits.memory", "1Gi")},
		},
		{
			name:     "several names over, reported together",
			quotas:   []*core.ResourceQuota{quota("q", list("requests.cpu", "1", "limits.memory", "1Gi", "pods", "5"), list("requests.cpu", "800m", "limits.memory", "512Mi", "pods", "0"))},
			a:        pluginstest.Create(web),
			wantErr:  `403 pods "web" is forbidden: exceeded quota: q, requested: limits.memory=1Gi,requests.cpu=500m, used: limits.memory=512Mi,requests.cpu=800m, limited: limits.memory=1Gi,requests.cpu=1`,
			wantUsed: map[string]core.ResourceList{"q": list("requests.cpu", "800m", "limits.memory", "512Mi", "pods", "0")},
		},
		{
			name:     "cpu quota needs containers to state cpu",
			quotas:   []*core.ResourceQuota{quota("q", list("requests.cpu", "4", "limits.memory", "4Gi"), list("requests.cpu", "0", "limits.memory", "0"))},
			a:        pluginstest.Create(pluginstest.MakePod("ns", "web").Container("app").Container("log").Requests("cpu", "1").Obj()),
			wantErr:  `403 pods "web" is forbidden: failed quota: q: must specify limits.memory for: app,log; requests.cpu for: app`,
			wantUsed: map[string]core.ResourceList{"q": list("requests.cpu", "0", "limits.memory", "0")},
		},
		{
			name:     "usage not yet counted",
			quotas:   []*core.ResourceQuota{quota("q", list("pods", "5", "count/pods", "5"), list("pods", "1"))},
			a:        pluginstest.Create(web),
			wantErr:  `403 pods "web" is forbidden: status unknown for quota: q, resources: count/pods,pods`,
			wantUsed: map[string]core.ResourceList{"q": list("pods", "1")},
		},
		{
			name: "a quota the controller has not seen limits nothing",
			quotas: []*core.ResourceQuota{{
				ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "q"},
				Spec:       core.ResourceQuotaSpec{Hard: list("pods", "0")},
			}},
			a:        pluginstest.Create(web),
			wantUsed: map[string]core.ResourceList{"q": nil},
		},
		{
			name:     "dry run is checked",
			quotas:   []*core.ResourceQuota{quota("q", list("pods", "1"), list("pods", "1"))},
			a:        dryRun(pluginstest.Create(web)),
			wantErr:  `403 pods "web" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1`,
			wantUsed: map[string]core.ResourceList{"q": list("pods", "1")},
		},
		{
			name:     "dry run is not charged",
			quotas:   []*core.ResourceQuota{quota("q", list("pods", "1"), list("pods", "0"))},
			a:        dryRun(pluginstest.Create(web)),
			wantUsed: map[string]core.ResourceList{"q": list("pods", "0")},
		},
		{
			name: "every covering quota is charged",
			quotas: []*core.ResourceQuota{
				quota("a", list("pods", "5"), list("pods", "1")),
				quota("b", list("requests.cpu", "2"), list("requests.cpu", "1")),
			},
			a:        pluginstest.Create(web),
			wantUsed: map[string]core.ResourceList{"a": list("pods", "2"), "b": list("requests.cpu", "1500m")},
		},
		{
			name: "a full second quota leaves the first uncharged",
			quotas: []*core.ResourceQuota{
				quota("a", list("pods", "5"), list("pods", "1")),
				quota("b", list("requests.cpu", "2"), list("requests.cpu", "2")),
			},
			a:        pluginstest.Create(web),
			wantErr:  `403 pods "web" is forbidden: exceeded quota: b, requested: requests.cpu=500m, used: requests.cpu=2, limited: requests.cpu=2`,
			wantUsed: map[string]core.ResourceList{"a": list("pods", "1"), "b": list("requests.cpu", "2")},
		},
		{
			name: "scopes pick pods",
			quotas: []*core.ResourceQuota{
				quota("besteffort", list("pods", "5"), list("pods", "0"), core.ResourceQuotaScopeBestEffort),
				quota("burstable", list("pods", "5"), list("pods", "0"), core.ResourceQuotaScopeNotBestEffort),
			},
			a:        pluginstest.Create(bestEffort),
			wantUsed: map[string]core.ResourceList{"besteffort": list("pods", "1"), "burstable": list("pods", "0")},
		},
		{
			name: "terminating scope",
			quotas: []*core.ResourceQuota{
				quota("batch", list("requests.cpu", "5"), list("requests.cpu", "0"), core.ResourceQuotaScopeTerminating),
				quota("services", list("requests.cpu", "5"), list("requests.cpu", "0"), core.ResourceQuotaScopeNotTerminating),
			},
			a:        pluginstest.Create(job),
			wantUsed: map[string]core.ResourceList{"batch": list("requests.cpu", "1"), "services": list("requests.cpu", "0")},
		},
		{
			name: "priority class selector",
			quotas: []*core.ResourceQuota{{
				ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "high"},
				Spec: core.ResourceQuotaSpec{Hard: list("pods", "0"), ScopeSelector: &core.ScopeSelector{MatchExpressions: []core.ScopedResourceSelectorRequirement{
					{ScopeName: core.ResourceQuotaScopePriorityClass, Operator: core.ScopeSelectorOpIn, Values: []string{"high"}},
				}}},
				Status: core.ResourceQuotaStatus{Hard: list("pods", "0"), Used: list("pods", "0")},
			}},
			a:        pluginstest.Create(pluginstest.MakePod("ns", "urgent").Container("app").Spec(func(s *core.PodSpec) { s.PriorityClassName = "high" }).Obj()),
			wantErr:  `403 pods "urgent" is forbidden: exceeded quota: high, requested: pods=1, used: pods=0, limited: pods=0`,
			wantUsed: map[string]core.ResourceList{"high": list("pods", "0")},
		},
		{
			name:     "object count with the legacy name",
			quotas:   []*core.ResourceQuota{quota("q", list("count/configmaps", "3", "configmaps", "3"), list("count/configmaps", "1", "configmaps", "1"))},
			a:        pluginstest.Create(&core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "cm"}}),
			wantUsed: map[string]core.ResourceList{"q": list("count/configmaps", "2", "configmaps", "2")},
		},
		{
			name:     "object count in a group",
			quotas:   []*core.ResourceQuota{quota("q", list("count/deployments.apps", "1"), list("count/deployments.apps", "1"))},
			a:        pluginstest.Create(&apps.Deployment{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "d"}}),
			wantErr:  `403 deployments.apps "d" is forbidden: exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1`,
			wantUsed: map[string]core.ResourceList{"q": list("count/deployments.apps", "1")},
		},
		{
			name:     "scoped quotas count pods only",
			quotas:   []*core.ResourceQuota{quota("q", list("count/configmaps", "0"), list("count/configmaps", "0"), core.ResourceQuotaScopeBestEffort)},
			a:        pluginstest.Create(&core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "cm"}}),
			wantUsed: map[string]core.ResourceList{"q": list("count/configmaps", "0")},
		},
		{
			name:     "events are never charged",
			quotas:   []*core.ResourceQuota{quota("q", list("count/events", "0"), list("count/events", "0"))},
			a:        pluginstest.Create(&core.Event{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "e"}}),
			wantUsed: map[string]core.ResourceList{"q": list("count/events", "0")},
		},
		{
			name:     "updates of config maps are not charged",
			quotas:   []*core.ResourceQuota{quota("q", list("count/configmaps", "0"), list("count/configmaps", "0"))},
			a:        pluginstest.Update(&core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "cm"}}, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "cm", ResourceVersion: "3"}}),
			wantUsed: map[string]core.ResourceList{"q": list("count/configmaps", "0")},
		},
		{
			name:     "a resize is charged its growth",
			quotas:   []*core.ResourceQuota{quota("q", list("requests.cpu", "4", "pods", "4"), list("requests.cpu", "500m", "pods", "1"))},
			a:        resize,
			wantUsed: map[string]core.ResourceList{"q": list("requests.cpu", "1500m", "pods", "1")},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := pluginstest.Store(t)
			for _, q := range tc.quotas {
				pluginstest.Put(t, st, q)
			}
			p := resourcequota.New(st, resourcequota.Options{})
			if diff := cmp.Diff(tc.wantErr, message(p.Validate(context.Background(), tc.a))); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
			got := map[string]core.ResourceList{}
			for name := range tc.wantUsed {
				got[name] = usedOf(t, st, name)
			}
			if diff := cmp.Diff(tc.wantUsed, got); diff != "" {
				t.Errorf("status.used (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConcurrentCreatesAdmitExactlyTheHardLimit races 100 creates against hard: {pods: "10"} on a
// real store, round after round: exactly ten must win, every loser must be told the quota is full,
// and the quota must end at exactly ten.
func TestConcurrentCreatesAdmitExactlyTheHardLimit(t *testing.T) {
	const rounds, racers, limit = 20, 100, 10
	for round := range rounds {
		st := pluginstest.Store(t)
		pluginstest.Put(t, st, quota("q", list("pods", fmt.Sprint(limit)), list("pods", "0")))
		p := resourcequota.New(st, resourcequota.Options{})

		var wg sync.WaitGroup
		errs := make([]error, racers)
		start := make(chan struct{})
		for i := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				pod := pluginstest.MakePod("ns", fmt.Sprintf("pod-%d", i)).Container("app").Obj()
				errs[i] = p.Validate(context.Background(), pluginstest.Create(pod))
			}()
		}
		close(start)
		wg.Wait()

		admitted := 0
		for i, err := range errs {
			if err == nil {
				admitted++
				continue
			}
			want := fmt.Sprintf(`403 pods "pod-%d" is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10`, i)
			if got := message(err); got != want {
				t.Fatalf("round %d: racer %d: got %q, want %q", round, i, got, want)
			}
		}
		if admitted != limit {
			t.Fatalf("round %d: %d of %d creates admitted, want exactly %d", round, admitted, racers, limit)
		}
		if diff := cmp.Diff(list("pods", "10"), usedOf(t, st, "q")); diff != "" {
			t.Fatalf("round %d: status.used (-want +got):\n%s", round, diff)
		}
	}
}

// racingStore is a real store in which one other writer gets in just before a chosen quota is
// charged, as a concurrent request could.
type racingStore struct {
	store.Store
	key  string
	race func()
	once sync.Once
}

func (s *racingStore) GuaranteedUpdate(ctx context.Context, key string, pre *store.Preconditions, f store.UpdateFunc) (meta.Object, error) {
	if key == s.key {
		s.once.Do(s.race)
	}
	return s.Store.GuaranteedUpdate(ctx, key, pre, f)
}

func TestChargesAreUndoneWhenALaterQuotaFills(t *testing.T) {
	st := pluginstest.Store(t)
	pluginstest.Put(t, st, quota("a", list("pods", "5"), list("pods", "1")))
	pluginstest.Put(t, st, quota("b", list("pods", "5"), list("pods", "4")))
	bKey := store.Key("resourcequotas", "ns", "b")
	racing := &racingStore{Store: st, key: bKey, race: func() {
		// Someone else takes b's last pod between the check and the charge.
		_, err := st.GuaranteedUpdate(context.Background(), bKey, nil, func(cur meta.Object) (meta.Object, error) {
			q := cur.(*core.ResourceQuota).DeepCopy()
			q.Status.Used = list("pods", "5")
			return q, nil
		})
		if err != nil {
			t.Error(err)
		}
	}}
	p := resourcequota.New(racing, resourcequota.Options{})
	err := p.Validate(context.Background(), pluginstest.Create(pluginstest.MakePod("ns", "web").Container("app").Obj()))
	want := `403 pods "web" is forbidden: exceeded quota: b, requested: pods=1, used: pods=5, limited: pods=5`
	if diff := cmp.Diff(want, message(err)); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
	got := map[string]core.ResourceList{"a": usedOf(t, st, "a"), "b": usedOf(t, st, "b")}
	if diff := cmp.Diff(map[string]core.ResourceList{"a": list("pods", "1"), "b": list("pods", "5")}, got); diff != "" {
		t.Errorf("a's charge was not undone (-want +got):\n%s", diff)
	}
}

func TestRecalculate(t *testing.T) {
	st := pluginstest.Store(t)
	clk := clocktesting.NewFakePassiveClock(time.Unix(1000, 0))
	pluginstest.Put(t, st, pluginstest.MakePod("ns", "a").Container("c").Requests("cpu", "1").Limits("cpu", "2").Obj())
	pluginstest.Put(t, st, pluginstest.MakePod("ns", "b").Container("c").Requests("cpu", "500m").Obj())
	done := pluginstest.MakePod("ns", "done").Container("c").Requests("cpu", "4").Obj()
	done.Status.Phase = core.PodSucceeded
	pluginstest.Put(t, st, done)
	grace := int64(30)
	gone := pluginstest.MakePod("ns", "gone").Container("c").Requests("cpu", "8").Obj()
	gone.DeletionTimestamp, gone.DeletionGracePeriodSeconds = &meta.Time{Time: time.Unix(900, 0)}, &grace
	pluginstest.Put(t, st, gone)
	pluginstest.Put(t, st, pluginstest.MakePod("other", "elsewhere").Container("c").Requests("cpu", "16").Obj())
	pluginstest.Put(t, st, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "cm1"}})
	pluginstest.Put(t, st, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "cm2"}})
	pluginstest.Put(t, st, &apps.Deployment{ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "d"}})

	hard := list("pods", "10", "count/pods", "10", "requests.cpu", "10", "limits.cpu", "10",
		"count/configmaps", "10", "configmaps", "10", "count/deployments.apps", "10", "count/widgets.example.com", "10")
	pluginstest.Put(t, st, &core.ResourceQuota{
		ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "all"},
		Spec:       core.ResourceQuotaSpec{Hard: hard},
		Status:     core.ResourceQuotaStatus{Used: list("count/widgets.example.com", "3", "pods", "99")},
	})
	pluginstest.Put(t, st, &core.ResourceQuota{
		ObjectMeta: meta.ObjectMeta{Namespace: "ns", Name: "besteffort"},
		Spec:       core.ResourceQuotaSpec{Hard: list("pods", "10", "count/configmaps", "10"), Scopes: []core.ResourceQuotaScope{core.ResourceQuotaScopeBestEffort}},
	})

	if err := resourcequota.Recalculate(context.Background(), st, "ns", resourcequota.Options{Clock: clk}); err != nil {
		t.Fatal(err)
	}
	got := map[string]core.ResourceQuotaStatus{}
	for _, name := range []string{"all", "besteffort"} {
		q, err := store.GetAs[*core.ResourceQuota](context.Background(), st, store.Key("resourcequotas", "ns", name))
		if err != nil {
			t.Fatal(err)
		}
		got[name] = q.Status
	}
	want := map[string]core.ResourceQuotaStatus{
		"all": {Hard: hard, Used: list(
			"pods", "2", // done has finished and gone is past its grace period
			"count/pods", "4", // every stored pod
			"requests.cpu", "1500m", "limits.cpu", "2",
			"count/configmaps", "2", "configmaps", "2", "count/deployments.apps", "1",
			"count/widgets.example.com", "3", // unknown to the server: kept
		)},
		"besteffort": {Hard: list("pods", "10", "count/configmaps", "10"), Used: list("pods", "0", "count/configmaps", "0")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}

	// The recalculated quota now limits: count/pods allows 10 and 4 are stored, so 6 more fit.
	p := resourcequota.New(st, resourcequota.Options{Clock: clk})
	for i := range 7 {
		name := fmt.Sprint("new-", i)
		err := p.Validate(context.Background(), pluginstest.Create(pluginstest.MakePod("ns", name).Container("c").Requests("cpu", "10m").Limits("cpu", "10m").Obj()))
		want := ""
		if i == 6 {
			want = `403 pods "new-6" is forbidden: exceeded quota: all, requested: count/pods=1, used: count/pods=10, limited: count/pods=10`
		}
		if diff := cmp.Diff(want, message(err)); diff != "" {
			t.Errorf("pod %s (-want +got):\n%s", name, diff)
		}
	}
}
