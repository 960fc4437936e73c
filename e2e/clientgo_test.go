package e2e

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/pki"
	"github.com/skiff-io/skiff/store/memdb"
)

// startSkiff serves skiff's API server over TLS on loopback and returns a client-go config with an
// admin client certificate.
func startSkiff(t *testing.T, contentType string) *rest.Config {
	t.Helper()
	reg := api.Builtin()
	st, err := memdb.Open(memdb.Options{Codec: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ca, err := pki.NewCA("e2e-ca", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := apiserver.New(apiserver.Config{Registry: reg, Store: st, Authenticator: authn.X509(ca.Pool())})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	serving, _ := ca.Issue(pki.Options{CommonName: "skiff", DNSNames: []string{"localhost"}, Usage: pki.ServerAuth})
	admin, _ := ca.Issue(pki.Options{CommonName: "admin", Organizations: []string{"system:masters"}, Usage: pki.ClientAuth})
	cert, err := tls.X509KeyPair(serving.CertPEM, serving.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.EnableHTTP2 = true
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert, ClientCAs: ca.Pool()}
	hs.StartTLS()
	t.Cleanup(hs.Close)
	return &rest.Config{
		Host:            hs.URL,
		TLSClientConfig: rest.TLSClientConfig{CAData: ca.CertPEM, CertData: admin.CertPEM, KeyData: admin.KeyPEM, ServerName: "localhost"},
		ContentConfig:   rest.ContentConfig{ContentType: contentType},
		QPS:             1000,
		Burst:           1000,
	}
}

func int32p(i int32) *int32 { return &i }

func TestTypedClients(t *testing.T) {
	for _, ct := range []string{"application/json", "application/vnd.kubernetes.protobuf"} {
		t.Run(ct, func(t *testing.T) {
			cs, err := kubernetes.NewForConfig(startSkiff(t, ct))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			v, err := cs.Discovery().ServerVersion()
			if err != nil || v.Major != "1" {
				t.Fatalf("server version: %v %v", v, err)
			}
			if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "e2e"}}, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			labels := map[string]string{"app": "web"}
			dep := &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "web"},
				Spec: appsv1.DeploymentSpec{
					Replicas: int32p(3),
					Selector: &metav1.LabelSelector{MatchLabels: labels},
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: labels},
						Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "nginx", Image: "nginx:1.22"}}},
					},
				},
			}
			created, err := cs.AppsV1().Deployments("e2e").Create(ctx, dep, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if created.UID == "" || created.Generation != 1 || *created.Spec.RevisionHistoryLimit != 10 || created.Spec.Strategy.Type != appsv1.RollingUpdateDeploymentStrategyType {
				t.Errorf("created deployment: uid %q generation %d spec %+v", created.UID, created.Generation, created.Spec)
			}
			if _, err := cs.AppsV1().Deployments("e2e").Create(ctx, dep, metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
				t.Errorf("second create: %v", err)
			}
			list, err := cs.AppsV1().Deployments("e2e").List(ctx, metav1.ListOptions{LabelSelector: ""})
			if err != nil || len(list.Items) != 1 || list.ResourceVersion == "" {
				t.Fatalf("list: %v %v", list, err)
			}
			created.Spec.Replicas = int32p(5)
			updated, err := cs.AppsV1().Deployments("e2e").Update(ctx, created, metav1.UpdateOptions{})
			if err != nil || *updated.Spec.Replicas != 5 || updated.Generation != 2 {
				t.Fatalf("update: %v %v", updated, err)
			}
			if _, err := cs.AppsV1().Deployments("e2e").Update(ctx, created, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
				t.Errorf("stale update: %v", err)
			}
			patched, err := cs.AppsV1().Deployments("e2e").Patch(ctx, "web", types.MergePatchType, []byte(`{"metadata":{"labels":{"tier":"front"}}}`), metav1.PatchOptions{})
			if err != nil || patched.Labels["tier"] != "front" {
				t.Fatalf("merge patch: %v %v", patched, err)
			}
			sc, err := cs.AppsV1().Deployments("e2e").GetScale(ctx, "web", metav1.GetOptions{})
			if err != nil || sc.Spec.Replicas != 5 || sc.Status.Selector != "app=web" {
				t.Fatalf("scale: %+v %v", sc, err)
			}
			updated.Status.Replicas = 5
			if _, err := cs.AppsV1().Deployments("e2e").UpdateStatus(ctx, patched, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("update status: %v", err)
			}
			if err := cs.AppsV1().Deployments("e2e").Delete(ctx, "web", metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := cs.AppsV1().Deployments("e2e").Get(ctx, "web", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("get after delete: %v", err)
			}
			// A pod, bound to a node through the binding subresource, as the scheduler does.
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}}
			if _, err := cs.CoreV1().Pods("e2e").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := cs.CoreV1().Pods("e2e").Bind(ctx, &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Target: corev1.ObjectReference{Kind: "Node", Name: "n1"}}, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			got, err := cs.CoreV1().Pods("e2e").Get(ctx, "p", metav1.GetOptions{})
			if err != nil || got.Spec.NodeName != "n1" || got.Status.Phase != corev1.PodPending {
				t.Errorf("bound pod: %v %v", got, err)
			}
		})
	}
}

func TestSharedInformer(t *testing.T) {
	cs, err := kubernetes.NewForConfig(startSkiff(t, "application/json"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := cs.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "before"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	factory := informers.NewSharedInformerFactory(cs, 0)
	inf := factory.Core().V1().ConfigMaps().Informer()
	var mu sync.Mutex
	seen := map[string][]string{}
	record := func(kind string, obj any) {
		if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
			obj = d.Obj
		}
		cm := obj.(*corev1.ConfigMap)
		mu.Lock()
		seen[cm.Name] = append(seen[cm.Name], kind)
		mu.Unlock()
	}
	inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { record("add", o) },
		UpdateFunc: func(_, o any) { record("update", o) },
		DeleteFunc: func(o any) { record("delete", o) },
	})
	factory.Start(ctx.Done())
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced) {
		t.Fatal("informer never synced")
	}
	cm, err := cs.CoreV1().ConfigMaps("default").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "after"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm.Data = map[string]string{"k": "v"}
	if _, err := cs.CoreV1().ConfigMaps("default").Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := cs.CoreV1().ConfigMaps("default").Delete(ctx, "after", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := append([]string(nil), seen["after"]...)
		before := append([]string(nil), seen["before"]...)
		mu.Unlock()
		if len(got) == 3 {
			if got[0] != "add" || got[1] != "update" || got[2] != "delete" || len(before) != 1 || before[0] != "add" {
				t.Errorf("events: after %v, before %v", got, before)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("informer events after 10s: after %v, before %v", got, before)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if items := inf.GetStore().List(); len(items) != 1 {
		t.Errorf("informer cache holds %d configmaps, want 1", len(items))
	}
}
