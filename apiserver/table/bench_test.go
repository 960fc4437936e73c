package table

import (
	"encoding/json"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// benchPods returns n realistic pods: a deployment's running pods with a sidecar, labels, restarts
// and the full set of status conditions, with a few crash-looping.
func benchPods(n int) []meta.Object {
	objs := make([]meta.Object, n)
	for i := range objs {
		b := MakePod("web-7d4b9c-"+strconv.Itoa(100000+i)).
			Labels("app", "web", "pod-template-hash", "7d4b9c", "tier", "front").
			InitContainers("istio-proxy+").Containers("nginx", "log").Running()
		b.Condition(core.ContainersReady, core.ConditionTrue, "").Condition(core.PodScheduled, core.ConditionTrue, "")
		b.InitStatus(running("istio-proxy"))
		if i%10 == 0 {
			b.Status(restarted(waiting("nginx", "CrashLoopBackOff"), 7, 3*time.Minute), running("log"))
		}
		objs[i] = b.Obj()
	}
	return objs
}

// BenchmarkConvert1000Pods is kubectl get pods on a namespace of 1,000 pods: the conversion to a
// Table with each row's metadata.
func BenchmarkConvert1000Pods(b *testing.B) {
	pods := benchPods(1000)
	printers := Builtin()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := printers.Convert(podGVK, pods, TableOptions{}, meta.ListMeta{ResourceVersion: "1"}, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConvertEncode1000Pods adds what the server then does: encode the Table as JSON.
func BenchmarkConvertEncode1000Pods(b *testing.B) {
	pods := benchPods(1000)
	printers := Builtin()
	b.ReportAllocs()
	for b.Loop() {
		t, err := printers.Convert(podGVK, pods, TableOptions{}, meta.ListMeta{ResourceVersion: "1"}, now)
		if err != nil {
			b.Fatal(err)
		}
		if err := json.NewEncoder(io.Discard).Encode(t); err != nil {
			b.Fatal(err)
		}
	}
}
