// Command controller is a custom controller for a custom kind, built from skiff's blocks: a
// Greeting (example.com/v1) asks for a greeting; the controller writes it into the Greeting's
// status and into a ConfigMap the Greeting owns, so that the garbage collector removes the
// ConfigMap with it. main_test.go unit-tests it against a real control plane (testenv) that starts
// in milliseconds.
//
//	go run ./examples/controller --kubeconfig ./skiff-data/admin.kubeconfig
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/kubeconfig"
	"github.com/skiff-io/skiff/controller"
	"github.com/skiff-io/skiff/informer"
)

// Greeting is the custom kind.
type Greeting struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            GreetingSpec   `json:"spec"`
	Status          GreetingStatus `json:"status,omitempty"`
}

// GreetingSpec says whom to greet.
type GreetingSpec struct {
	Name string `json:"name"`
}

// GreetingStatus is what the controller did.
type GreetingStatus struct {
	Message            string `json:"message,omitempty"`
	ObservedGeneration int64  `json:"observedGeneration,omitempty"`
}

// DeepCopyObject makes Greeting a meta.Object.
func (g *Greeting) DeepCopyObject() meta.Object {
	c := *g
	c.ObjectMeta = *g.ObjectMeta.DeepCopy()
	return &c
}

// Register adds the Greeting kind, with its status subresource and validation, to a registry.
func Register(reg *api.Registry) error {
	return api.Register(reg, api.KindSpec[*Greeting]{
		Group: "example.com", Version: "v1", Kind: "Greeting", Namespaced: true,
		Subresources: []string{"status"},
		Validate: func(g *Greeting) field.ErrorList {
			if g.Spec.Name == "" {
				return field.ErrorList{field.Required(field.NewPath("spec", "name"), "whom to greet")}
			}
			return nil
		},
	})
}

// Reconciler greets.
type Reconciler struct {
	greetings *client.Resource[*Greeting]
	configMap *client.Resource[*core.ConfigMap]
	lister    informer.Lister[*Greeting]
}

// New returns the controller, fed by inf.
func New(c *client.Client, inf *informer.Informer[*Greeting]) (*controller.Controller, error) {
	r := &Reconciler{greetings: client.For[*Greeting](c), configMap: client.For[*core.ConfigMap](c), lister: inf.Lister()}
	ctl := controller.New("greeting", r, controller.Options{Workers: 2})
	return ctl, controller.Watch(ctl, inf, nil)
}

// Reconcile makes one Greeting's ConfigMap and status say hello.
func (r *Reconciler) Reconcile(ctx context.Context, req controller.Request) (controller.Result, error) {
	g, err := r.lister.Namespace(req.Namespace).Get(req.Name)
	if apierrors.IsNotFound(err) {
		return controller.Result{}, nil // deleted: the garbage collector removes the ConfigMap
	}
	if err != nil {
		return controller.Result{}, err
	}
	msg := "Hello, " + g.Spec.Name + "!"
	cms := r.configMap.Namespace(g.Namespace)
	want := &core.ConfigMap{
		ObjectMeta: meta.ObjectMeta{Name: "greeting-" + g.Name, Namespace: g.Namespace,
			OwnerReferences: []meta.OwnerReference{controller.NewControllerRef(g, "example.com/v1", "Greeting")}},
		Data: map[string]string{"message": msg},
	}
	cur, err := cms.Get(ctx, want.Name, client.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		_, err = cms.Create(ctx, want, client.CreateOptions{})
	case err == nil && cur.Data["message"] != msg:
		cur.Data = want.Data
		_, err = cms.Update(ctx, cur, client.UpdateOptions{})
	}
	if err != nil {
		return controller.Result{}, err
	}
	if g.Status.Message != msg || g.Status.ObservedGeneration != g.Generation {
		out := g.DeepCopyObject().(*Greeting) // cached objects are read-only
		out.Status = GreetingStatus{Message: msg, ObservedGeneration: g.Generation}
		if _, err := r.greetings.Namespace(g.Namespace).UpdateStatus(ctx, out, client.UpdateOptions{}); err != nil {
			return controller.Result{}, err
		}
	}
	return controller.Result{}, nil
}

func main() {
	path := flag.String("kubeconfig", "", "kubeconfig of the cluster (default: $KUBECONFIG, then ~/.kube/config)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *path); err != nil {
		fmt.Fprintln(os.Stderr, "controller:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path string) error {
	home, _ := os.UserHomeDir()
	kc, err := kubeconfig.LoadSources(kubeconfig.Sources{Explicit: path, Env: os.Getenv("KUBECONFIG"), Home: home})
	if err != nil {
		return err
	}
	cfg, _, err := client.FromKubeconfig(kc, "")
	if err != nil {
		return err
	}
	cfg.Registry = api.Builtin()
	if err := Register(cfg.Registry); err != nil {
		return err
	}
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	f := informer.NewFactory(c, informer.FactoryOptions{})
	ctl, err := New(c, informer.For[*Greeting](f))
	if err != nil {
		return err
	}
	f.Start(ctx)
	fmt.Println("greeting controller running; Ctrl-C stops it")
	return ctl.Run(ctx)
}
