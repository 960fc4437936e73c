package core

import (
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
)

// Builders that keep the tables short: podtest-style, each returns a valid, defaulted object that a
// case then breaks in one place.

func ptr[T any](v T) *T { return &v }

func q(s string) resource.Quantity { return resource.MustParse(s) }

// container returns a valid, defaulted container.
func container(name string) Container {
	return Container{
		Name:                     name,
		Image:                    "nginx:1.25",
		ImagePullPolicy:          PullIfNotPresent,
		TerminationMessagePath:   TerminationMessagePathDefault,
		TerminationMessagePolicy: TerminationMessageReadFile,
	}
}

// validPod returns a valid, defaulted pod with the given containers (one "c" when none).
func validPod(containers ...Container) *Pod {
	if len(containers) == 0 {
		containers = []Container{container("c")}
	}
	return &Pod{
		ObjectMeta: meta.ObjectMeta{Name: "p", Namespace: "default", ResourceVersion: "1"},
		Spec: PodSpec{
			Containers:                    containers,
			RestartPolicy:                 RestartPolicyAlways,
			DNSPolicy:                     DNSClusterFirst,
			TerminationGracePeriodSeconds: ptr(int64(30)),
			SecurityContext:               &PodSecurityContext{},
			SchedulerName:                 DefaultSchedulerName,
			EnableServiceLinks:            ptr(true),
		},
	}
}

// podWith returns validPod changed by mutate.
func podWith(mutate func(*Pod)) *Pod {
	p := validPod()
	mutate(p)
	return p
}
