package testenv_test

import (
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/testenv"
)

// TestSeedChain: the seed's Deployment becomes a ReplicaSet and Pods in the test control plane,
// through the real API server and the built-in controllers.
func TestSeedChain(t *testing.T) {
	env := testenv.Start(t, testenv.Options{Controllers: []string{"*"}})
	c := env.Client()
	if _, err := client.For[*core.Namespace](c).Get(env.Context, "kube-system", client.GetOptions{}); err != nil {
		t.Fatalf("bootstrap namespaces: %v", err)
	}
	n := int32(3)
	_, err := client.For[*apps.Deployment](c).Namespace("default").Create(env.Context, &apps.Deployment{
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
	deadline := time.Now().Add(20 * time.Second)
	for {
		rs, _ := client.For[*apps.ReplicaSet](c).Namespace("default").List(env.Context, client.ListOptions{})
		pods, _ := client.For[*core.Pod](c).Namespace("default").List(env.Context, client.ListOptions{LabelSelector: "app=nginx"})
		if len(rs.Items) == 1 && len(pods.Items) == 3 && pods.Items[0].ControllerRef().Name == rs.Items[0].Name {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d replica sets, %d pods", len(rs.Items), len(pods.Items))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
