package main

import (
	"testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/testenv"
)

// TestGreetingController runs the controller against a real API server that serves the custom
// kind, with the built-in garbage collector, all in process.
func TestGreetingController(t *testing.T) {
	reg := api.Builtin()
	if err := Register(reg); err != nil {
		t.Fatal(err)
	}
	env := testenv.Start(t, testenv.Options{Registry: reg, Controllers: []string{"garbagecollector"}})
	c := env.Client()
	f := informer.NewFactory(c, informer.FactoryOptions{})
	ctl, err := New(c, informer.For[*Greeting](f))
	if err != nil {
		t.Fatal(err)
	}
	f.Start(env.Context)
	go ctl.Run(env.Context)

	greetings := client.For[*Greeting](c).Namespace("default")
	if _, err := greetings.Create(env.Context, &Greeting{ObjectMeta: meta.ObjectMeta{Name: "world"}}, client.CreateOptions{}); !apierrors.IsInvalid(err) {
		t.Fatalf("a Greeting without spec.name: %v, want Invalid", err)
	}
	if _, err := greetings.Create(env.Context, &Greeting{ObjectMeta: meta.ObjectMeta{Name: "world"}, Spec: GreetingSpec{Name: "world"}}, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cms := client.For[*core.ConfigMap](c).Namespace("default")
	testenv.Eventually(t, "greeted", func() bool {
		g, err := greetings.Get(env.Context, "world", client.GetOptions{})
		cm, cerr := cms.Get(env.Context, "greeting-world", client.GetOptions{})
		return err == nil && cerr == nil && g.Status.Message == "Hello, world!" && cm.Data["message"] == "Hello, world!"
	})

	// A change of spec is followed.
	g, _ := greetings.Get(env.Context, "world", client.GetOptions{})
	g.Spec.Name = "skiff"
	if _, err := greetings.Update(env.Context, g, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "greeted again", func() bool {
		cm, err := cms.Get(env.Context, "greeting-world", client.GetOptions{})
		return err == nil && cm.Data["message"] == "Hello, skiff!"
	})

	// Deleting the Greeting deletes its ConfigMap, through the garbage collector.
	if err := greetings.Delete(env.Context, "world", client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "ConfigMap collected", func() bool {
		_, err := cms.Get(env.Context, "greeting-world", client.GetOptions{})
		return apierrors.IsNotFound(err)
	})
}
