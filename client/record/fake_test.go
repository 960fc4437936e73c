package record_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client/record"
)

func TestFakeRecorder(t *testing.T) {
	rs := &apps.ReplicaSet{ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"}}
	custom := &core.Pod{TypeMeta: meta.TypeMeta{APIVersion: "example.com/v1", Kind: "Widget"}}
	for _, tc := range []struct {
		name   string
		fake   *record.FakeRecorder
		record func(r record.Recorder)
		want   []string
	}{
		{
			name: "event and eventf",
			fake: record.NewFakeRecorder(10),
			record: func(r record.Recorder) {
				r.Event(rs, record.Normal, "SuccessfulCreate", "Created pod: web-1")
				r.Eventf(rs, record.Warning, "FailedCreate", "Error creating: %s at 100%%", "quota")
			},
			want: []string{
				"Normal SuccessfulCreate Created pod: web-1",
				"Warning FailedCreate Error creating: quota at 100%",
			},
		},
		{
			name:   "a percent sign in the reason or a plain message is kept",
			fake:   record.NewFakeRecorder(10),
			record: func(r record.Recorder) { r.Event(rs, record.Normal, "Odd%d", "100%s") },
			want:   []string{"Normal Odd%d 100%s"},
		},
		{
			name: "with the object's kind",
			fake: &record.FakeRecorder{Events: make(chan string, 10), IncludeObject: true},
			record: func(r record.Recorder) {
				r.Event(rs, record.Normal, "ScalingReplicaSet", "Scaled up")
				r.Event(custom, record.Normal, "Hello", "the TypeMeta says what it is")
			},
			want: []string{
				"Normal ScalingReplicaSet Scaled up involvedObject{kind=ReplicaSet,apiVersion=apps/v1}",
				"Normal Hello the TypeMeta says what it is involvedObject{kind=Widget,apiVersion=example.com/v1}",
			},
		},
		{
			name:   "the zero value discards",
			fake:   &record.FakeRecorder{},
			record: func(r record.Recorder) { r.Eventf(rs, record.Normal, "Nothing", "%d", 1) },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.record(tc.fake)
			var got []string
			for len(tc.fake.Events) > 0 {
				got = append(got, <-tc.fake.Events)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// A controller takes a Recorder; its unit test hands it a FakeRecorder and reads what it
// recorded.
func ExampleFakeRecorder() {
	rec := record.NewFakeRecorder(10)
	scaleUp := func(rec record.Recorder, rs *apps.ReplicaSet, n int) {
		rec.Eventf(rs, record.Normal, "SuccessfulCreate", "Created %d pods", n)
	}
	scaleUp(rec, &apps.ReplicaSet{ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"}}, 3)
	fmt.Println(<-rec.Events)
	// Output: Normal SuccessfulCreate Created 3 pods
}
