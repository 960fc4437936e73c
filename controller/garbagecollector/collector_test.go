package garbagecollector_test

import (
	"context"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/deployment"
	"github.com/skiff-io/skiff/controller/garbagecollector"
	"github.com/skiff-io/skiff/controller/replicaset"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/testenv"
)

type fixture struct {
	env *testenv.Env
	ctx context.Context
	c   *client.Client
	cms *client.Resource[*core.ConfigMap]
}

func newFixture(t *testing.T) *fixture {
	env := testenv.Start(t, testenv.Options{})
	c := env.Client()
	return &fixture{env: env, ctx: env.Context, c: c, cms: client.For[*core.ConfigMap](c).Namespace("default")}
}

func (f *fixture) startGC(t *testing.T) {
	t.Helper()
	gc, err := garbagecollector.New(f.c, f.env.Registry, garbagecollector.Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	go gc.Run(f.ctx)
	if !informer.WaitForCacheSync(f.ctx, gc.HasSynced) {
		t.Fatal("graph did not sync")
	}
}

func owned(name string, block bool, owners ...meta.Object) *core.ConfigMap {
	cm := &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default"}}
	for _, o := range owners {
		m, tm := o.GetObjectMeta(), o.GetTypeMeta()
		b := block
		cm.OwnerReferences = append(cm.OwnerReferences, meta.OwnerReference{APIVersion: tm.APIVersion, Kind: tm.Kind, Name: m.Name, UID: m.UID, BlockOwnerDeletion: &b})
	}
	return cm
}

func (f *fixture) create(t *testing.T, cm *core.ConfigMap) *core.ConfigMap {
	t.Helper()
	out, err := f.cms.Create(f.ctx, cm, client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (f *fixture) gone(name string) func() bool {
	return func() bool {
		_, err := f.cms.Get(f.ctx, name, client.GetOptions{})
		return apierrors.IsNotFound(err)
	}
}

func (f *fixture) exists(t *testing.T, name string) *core.ConfigMap {
	t.Helper()
	cm, err := f.cms.Get(f.ctx, name, client.GetOptions{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return cm
}

func del(t *testing.T, f *fixture, name string, policy meta.DeletionPropagation) {
	t.Helper()
	if err := f.cms.Delete(f.ctx, name, client.DeleteOptions{PropagationPolicy: &policy}); err != nil {
		t.Fatal(err)
	}
}

func TestBackgroundDeletesTheTree(t *testing.T) {
	f := newFixture(t)
	f.startGC(t)
	a := f.create(t, owned("a", false))
	b := f.create(t, owned("b", false, a))
	f.create(t, owned("c", false, a))
	f.create(t, owned("d", false, b))
	keep := f.create(t, owned("keep", false))
	del(t, f, "a", meta.DeletePropagationBackground)
	for _, n := range []string{"a", "b", "c", "d"} {
		testenv.Eventually(t, n+" deleted", f.gone(n))
	}
	f.exists(t, keep.Name)
}

func TestForegroundWaitsForBlockingDependents(t *testing.T) {
	f := newFixture(t)
	f.startGC(t)
	a := f.create(t, owned("a", false))
	held := owned("held", true, a)
	held.Finalizers = []string{"example.com/hold"}
	held = f.create(t, held)
	f.create(t, owned("b", true, a))
	f.create(t, owned("nonblocking", false, a))
	del(t, f, "a", meta.DeletePropagationForeground)
	testenv.Eventually(t, "b deleted", f.gone("b"))
	testenv.Eventually(t, "non-blocking deleted", f.gone("nonblocking"))
	testenv.Eventually(t, "held marked", func() bool { return f.exists(t, "held").DeletionTimestamp != nil })
	time.Sleep(200 * time.Millisecond)
	owner := f.exists(t, "a") // waits for held
	if owner.DeletionTimestamp == nil || len(owner.Finalizers) == 0 || owner.Finalizers[0] != meta.FinalizerDeleteDependents {
		t.Fatalf("owner %+v", owner.ObjectMeta)
	}
	held = f.exists(t, "held")
	held.Finalizers = nil
	if _, err := f.cms.Update(f.ctx, held, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "held deleted", f.gone("held"))
	testenv.Eventually(t, "owner deleted once nothing blocks it", f.gone("a"))
}

func TestOrphanKeepsDependents(t *testing.T) {
	f := newFixture(t)
	f.startGC(t)
	a := f.create(t, owned("a", false))
	other := f.create(t, owned("other", false))
	f.create(t, owned("b", false, a))
	f.create(t, owned("c", false, a, other))
	del(t, f, "a", meta.DeletePropagationOrphan)
	testenv.Eventually(t, "owner deleted", f.gone("a"))
	testenv.Eventually(t, "references removed", func() bool {
		return len(f.exists(t, "b").OwnerReferences) == 0 && len(f.exists(t, "c").OwnerReferences) == 1
	})
	if c := f.exists(t, "c"); c.OwnerReferences[0].UID != other.UID {
		t.Errorf("c lost the wrong owner: %+v", c.OwnerReferences)
	}
}

func TestSurvivingOwnerKeepsDependent(t *testing.T) {
	f := newFixture(t)
	f.startGC(t)
	a := f.create(t, owned("a", false))
	b := f.create(t, owned("b", false))
	f.create(t, owned("both", false, a, b))
	del(t, f, "a", meta.DeletePropagationBackground)
	testenv.Eventually(t, "reference to a dropped", func() bool {
		refs := f.exists(t, "both").OwnerReferences
		return len(refs) == 1 && refs[0].UID == b.UID
	})
	del(t, f, "b", meta.DeletePropagationBackground)
	testenv.Eventually(t, "deleted with its last owner", f.gone("both"))
}

// TestDanglingAtStartAndClusterScopedOwners: references to owners that never existed, or to an
// older object of the same name, are found when the collector starts; owners may be
// cluster-scoped.
func TestDanglingAtStartAndClusterScopedOwners(t *testing.T) {
	f := newFixture(t)
	ghost := &core.ConfigMap{TypeMeta: meta.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: meta.ObjectMeta{Name: "ghost", UID: "no-such-uid"}}
	f.create(t, owned("orphan-of-ghost", false, ghost))
	real := f.create(t, owned("same-name", false))
	impostor := &core.ConfigMap{TypeMeta: meta.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: meta.ObjectMeta{Name: "same-name", UID: "an-older-uid"}}
	f.create(t, owned("wrong-uid", false, impostor))
	f.create(t, owned("right-uid", false, real))
	roles := client.For[*rbac.ClusterRole](f.c)
	cr, err := roles.Create(f.ctx, &rbac.ClusterRole{ObjectMeta: meta.ObjectMeta{Name: "owner-role"}}, client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.create(t, owned("of-cluster-role", false, cr))

	f.startGC(t)
	testenv.Eventually(t, "dependent of a ghost deleted", f.gone("orphan-of-ghost"))
	testenv.Eventually(t, "dependent of an older uid deleted", f.gone("wrong-uid"))
	time.Sleep(200 * time.Millisecond)
	f.exists(t, "right-uid")
	f.exists(t, "of-cluster-role")
	if err := roles.Delete(f.ctx, "owner-role", client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "dependent of a cluster-scoped owner deleted", f.gone("of-cluster-role"))
}

// TestDeletingADeployment: the seed's objects, with their controllers; deleting the Deployment
// removes its ReplicaSets and Pods, in the background and in the foreground.
func TestDeletingADeployment(t *testing.T) {
	for _, policy := range []meta.DeletionPropagation{meta.DeletePropagationBackground, meta.DeletePropagationForeground} {
		t.Run(string(policy), func(t *testing.T) {
			f := newFixture(t)
			fac := informer.NewFactory(f.c, informer.FactoryOptions{})
			dInf, rsInf, podInf := informer.For[*apps.Deployment](fac), informer.For[*apps.ReplicaSet](fac), informer.For[*core.Pod](fac)
			dc, err := deployment.New(f.c, dInf, rsInf, podInf, deployment.Options{})
			if err != nil {
				t.Fatal(err)
			}
			rc, err := replicaset.New(f.c, rsInf, podInf, replicaset.Options{})
			if err != nil {
				t.Fatal(err)
			}
			fac.Start(f.ctx)
			go dc.Run(f.ctx)
			go rc.Run(f.ctx)
			f.startGC(t)
			n := int32(3)
			deps := client.For[*apps.Deployment](f.c).Namespace("default")
			_, err = deps.Create(f.ctx, &apps.Deployment{
				ObjectMeta: meta.ObjectMeta{Name: "nginx"},
				Spec: apps.DeploymentSpec{
					Replicas: &n,
					Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "nginx"}},
					Template: core.PodTemplateSpec{
						ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": "nginx"}},
						Spec:       core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx"}}},
					},
				},
			}, client.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			pods := client.For[*core.Pod](f.c).Namespace("default")
			count := func() (int, int) {
				p, _ := pods.List(f.ctx, client.ListOptions{})
				r, _ := client.For[*apps.ReplicaSet](f.c).Namespace("default").List(f.ctx, client.ListOptions{})
				return len(r.Items), len(p.Items)
			}
			testenv.Eventually(t, "3 pods", func() bool { r, p := count(); return r == 1 && p == 3 })
			if err := deps.Delete(f.ctx, "nginx", client.DeleteOptions{PropagationPolicy: &policy}); err != nil {
				t.Fatal(err)
			}
			testenv.Eventually(t, "everything gone", func() bool {
				r, p := count()
				_, err := deps.Get(f.ctx, "nginx", client.GetOptions{})
				return r == 0 && p == 0 && apierrors.IsNotFound(err)
			})
		})
	}
}
