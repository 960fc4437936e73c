package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

func newDemo(logger func() logr.Logger) *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Walk through what skiff can do so far",
		Long: `demo walks through the seed's scenario as far as skiff has come: today, the API types and the
durable embedded store. The Deployment that 'kubectl create deployment nginx --image=nginx --replicas=3'
sends is defaulted, validated and stored; Pods are written and watched; the store is closed and
reopened from disk, and everything is still there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dataDir == "" {
				dir, err := os.MkdirTemp("", "skiff-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				dataDir = dir
			}
			return runDemo(cmd.Context(), cmd.OutOrStdout(), dataDir, logger())
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", "", "keep the store here (default: a temporary directory, removed at the end)")
	return cmd
}

func runDemo(ctx context.Context, out io.Writer, dataDir string, log logr.Logger) error {
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	reg := api.Builtin()
	say("skiff demo: the foundation (API types with Kubernetes' wire format, and the durable embedded store).")
	say("The API server, controllers, scheduler and kubelet come in later releases; this walks the seed's")
	say("scenario as far as it goes today.")
	say("")

	// 1. What kubectl would send, defaulted and validated as the API server will.
	deploy := nginxDeployment(3)
	kind, err := reg.KindOf(deploy)
	if err != nil {
		return err
	}
	kind.Default(deploy)
	if errs := validate(kind, deploy); len(errs) > 0 {
		return fmt.Errorf("the demo's own Deployment is invalid: %v", errs.ToAggregate())
	}
	ru := deploy.Spec.Strategy.RollingUpdate
	say("1. Deployment default/nginx (3 replicas of nginx), defaulted and validated:")
	say("   strategy %s, maxSurge %s, maxUnavailable %s, revisionHistoryLimit %d, progressDeadlineSeconds %d",
		deploy.Spec.Strategy.Type, ru.MaxSurge, ru.MaxUnavailable, *deploy.Spec.RevisionHistoryLimit, *deploy.Spec.ProgressDeadlineSeconds)
	broken := nginxDeployment(-1)
	broken.Spec.Template.Labels = map[string]string{"app": "other"}
	kind.Default(broken)
	say("   a broken one is refused, field by field, as the API server will answer with 422:")
	for _, e := range validate(kind, broken) {
		say("     %s", e)
	}

	// 2. Stored durably.
	s, err := memdb.Open(memdb.Options{Dir: dataDir, Codec: reg, Logger: log})
	if err != nil {
		return err
	}
	defer func() { s.Close() }()
	key := store.Key(kind.KeyPrefix(), deploy.Namespace, deploy.Name)
	stored, err := s.Create(ctx, key, deploy)
	if err != nil {
		return err
	}
	say("")
	say("2. Stored at %s, resourceVersion %s; acknowledged only after its write-ahead log record was fsynced in %s.",
		key, stored.GetObjectMeta().ResourceVersion, dataDir)

	// 3. Pods written and watched.
	rev, _ := s.Revision(ctx)
	w, err := s.Watch(ctx, store.Prefix("pods", "default"), store.WatchOptions{ResourceVersion: rev})
	if err != nil {
		return err
	}
	say("")
	say("3. Watching /registry/pods/default/ from revision %d while three Pods are written (the replicaset", rev)
	say("   controller's job, once it exists):")
	for _, suffix := range []string{"x7k2p", "q9d4m", "b3n8w"} {
		pod := nginxPod("nginx-7c5ddbdf54-" + suffix)
		podKind, _ := reg.KindOf(pod)
		podKind.Default(pod)
		if _, err := s.Create(ctx, store.Key("pods", pod.Namespace, pod.Name), pod); err != nil {
			return err
		}
	}
	for range 3 {
		select {
		case ev := <-w.ResultChan():
			say("   %-8s pods/%s at resourceVersion %d", ev.Type, ev.Object.GetObjectMeta().Name, ev.Revision)
		case <-time.After(10 * time.Second):
			return errors.New("a watch event did not arrive within 10s")
		}
	}
	w.Stop()
	before, err := s.List(ctx, "/registry/", store.ListOptions{})
	if err != nil {
		return err
	}

	// 4. Restart.
	if err := s.Close(); err != nil {
		return err
	}
	s, err = memdb.Open(memdb.Options{Dir: dataDir, Codec: reg, Logger: log})
	if err != nil {
		return err
	}
	after, err := s.List(ctx, "/registry/", store.ListOptions{})
	if err != nil {
		return err
	}
	say("")
	say("4. Store closed and reopened from %s: %d objects at revision %d (before: %d at %d).",
		dataDir, len(after.Items), after.Revision, len(before.Items), before.Revision)
	if len(after.Items) != len(before.Items) || after.Revision != before.Revision {
		return errors.New("the store did not come back as it was")
	}
	got, err := s.Get(ctx, key)
	if err != nil {
		return err
	}
	say("   deployments/nginx is back with resourceVersion %s and %d replicas.",
		got.GetObjectMeta().ResourceVersion, *got.(*apps.Deployment).Spec.Replicas)
	say("")
	say("Everything worked. Run the tests with ./hack/test.sh; figures are in BENCHMARKS.md.")
	return nil
}

// validate runs what the API server will: ObjectMeta checks are part of each kind's validation.
func validate(kind *api.Kind, obj meta.Object) field.ErrorList {
	if kind.Validate == nil {
		return meta.ValidateObjectMeta(obj.GetObjectMeta(), kind.Namespaced, validation.NameIsDNSSubdomain, field.NewPath("metadata"))
	}
	return kind.Validate(obj)
}

func nginxDeployment(replicas int32) *apps.Deployment {
	labels := map[string]string{"app": "nginx"}
	return &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "nginx", Namespace: "default", Labels: labels},
		Spec: apps.DeploymentSpec{
			Replicas: &replicas,
			Selector: &meta.LabelSelector{MatchLabels: labels},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: labels},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx"}}},
			},
		},
	}
}

func nginxPod(name string) *core.Pod {
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"app": "nginx", "pod-template-hash": "7c5ddbdf54"}},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx"}}},
	}
}
