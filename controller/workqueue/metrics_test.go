package workqueue_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/controller/workqueue"
)

// recordingMetrics is an in-memory MetricsProvider that keeps every value it is given.
type recordingMetrics struct {
	mu       sync.Mutex
	names    []string
	values   metricValues
	inFlight func() workqueue.InFlight
}

type metricValues struct {
	Depth, Adds, Retries        int
	QueueDuration, WorkDuration []float64
}

type metricFunc func(float64)

func (f metricFunc) Inc()              { f(1) }
func (f metricFunc) Dec()              { f(-1) }
func (f metricFunc) Observe(v float64) { f(v) }

func (r *recordingMetrics) NewQueueMetrics(name string, inFlight func() workqueue.InFlight) workqueue.QueueMetrics {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = append(r.names, name)
	r.inFlight = inFlight
	record := func(apply func(v float64)) metricFunc {
		return func(v float64) {
			r.mu.Lock()
			defer r.mu.Unlock()
			apply(v)
		}
	}
	return workqueue.QueueMetrics{
		Depth:         record(func(v float64) { r.values.Depth += int(v) }),
		Adds:          record(func(float64) { r.values.Adds++ }),
		Retries:       record(func(float64) { r.values.Retries++ }),
		QueueDuration: record(func(v float64) { r.values.QueueDuration = append(r.values.QueueDuration, v) }),
		WorkDuration:  record(func(v float64) { r.values.WorkDuration = append(r.values.WorkDuration, v) }),
	}
}

func (r *recordingMetrics) snapshot() metricValues {
	r.mu.Lock()
	defer r.mu.Unlock()
	v := r.values
	v.QueueDuration = append([]float64(nil), v.QueueDuration...)
	v.WorkDuration = append([]float64(nil), v.WorkDuration...)
	return v
}

func TestMetrics(t *testing.T) {
	clk := clocktesting.NewFakeClock(epoch)
	rec := &recordingMetrics{}
	q := workqueue.New(workqueue.Config[string]{Name: "pods", Clock: clk, Metrics: rec})
	defer q.ShutDown()

	check := func(step string, want metricValues) {
		t.Helper()
		if diff := cmp.Diff(want, rec.snapshot()); diff != "" {
			t.Errorf("metrics after %s (-want +got):\n%s", step, diff)
		}
	}

	q.Add("a")
	q.Add("a") // already waiting: not an add
	q.Add("b")
	check("adds", metricValues{Depth: 2, Adds: 2})

	clk.Step(3 * time.Second)
	a, _ := q.Get()
	check("Get", metricValues{Depth: 1, Adds: 2, QueueDuration: []float64{3}})

	q.Add("a") // held: waiting again, though Len does not count it
	clk.Step(2 * time.Second)
	b, _ := q.Get()
	check("re-add and Get", metricValues{Depth: 1, Adds: 3, QueueDuration: []float64{3, 5}})

	clk.Step(time.Second)
	if diff := cmp.Diff(workqueue.InFlight{UnfinishedSeconds: 3 + 1, LongestSeconds: 3}, rec.inFlight()); diff != "" {
		t.Errorf("in-flight with a held 3s and b held 1s (-want +got):\n%s", diff)
	}

	q.Done(a)
	q.Done(b)
	q.Done(b) // not held any more: no observation
	check("Done", metricValues{Depth: 1, Adds: 3, QueueDuration: []float64{3, 5}, WorkDuration: []float64{3, 1}})
	if diff := cmp.Diff(workqueue.InFlight{}, rec.inFlight()); diff != "" {
		t.Errorf("in-flight with nothing held (-want +got):\n%s", diff)
	}

	q.AddAfter("c", time.Second)
	q.AddRateLimited("d")
	check("delayed adds", metricValues{Depth: 1, Adds: 3, Retries: 2, QueueDuration: []float64{3, 5}, WorkDuration: []float64{3, 1}})

	if diff := cmp.Diff([]string{"pods"}, rec.names); diff != "" {
		t.Errorf("queue names given to the provider (-want +got):\n%s", diff)
	}
}

func TestUnnamedQueueReportsNoMetrics(t *testing.T) {
	rec := &recordingMetrics{}
	q := workqueue.New(workqueue.Config[string]{Metrics: rec})
	q.Add("a")
	if len(rec.names) != 0 {
		t.Errorf("provider was asked for metrics of %q, want none for an unnamed queue", rec.names)
	}
}

func TestPrometheusMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	prom, err := workqueue.NewPrometheusMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktesting.NewFakeClock(epoch)
	q := workqueue.New(workqueue.Config[string]{Name: "pods", Clock: clk, Metrics: prom})
	defer q.ShutDown()

	q.Add("a")
	q.Add("b")
	clk.Step(2 * time.Second)
	a, _ := q.Get()
	clk.Step(4 * time.Second)
	q.Done(a)
	q.Get() // b stays held
	clk.Step(time.Second)
	q.AddAfter("c", time.Hour)

	want := map[string]float64{
		"workqueue_depth":                             0,
		"workqueue_adds_total":                        2,
		"workqueue_retries_total":                     1,
		"workqueue_queue_duration_seconds count":      2,
		"workqueue_queue_duration_seconds sum":        2 + 6,
		"workqueue_work_duration_seconds count":       1,
		"workqueue_work_duration_seconds sum":         4,
		"workqueue_unfinished_work_seconds":           1,
		"workqueue_longest_running_processor_seconds": 1,
	}
	if diff := cmp.Diff(want, gather(t, reg, "pods")); diff != "" {
		t.Errorf("metrics for queue pods (-want +got):\n%s", diff)
	}

	_, err = workqueue.NewPrometheusMetrics(reg)
	var already prometheus.AlreadyRegisteredError
	if !errors.As(err, &already) {
		t.Errorf("second NewPrometheusMetrics on one registry: err = %v, want AlreadyRegisteredError", err)
	}
}

// gather returns the value of every series labelled name=queue, histograms as count and sum.
func gather(t *testing.T, reg *prometheus.Registry, queue string) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	values := make(map[string]float64)
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			if !hasLabel(m, "name", queue) {
				continue
			}
			switch mf.GetType() {
			case dto.MetricType_GAUGE:
				values[mf.GetName()] = m.GetGauge().GetValue()
			case dto.MetricType_COUNTER:
				values[mf.GetName()] = m.GetCounter().GetValue()
			case dto.MetricType_HISTOGRAM:
				values[mf.GetName()+" count"] = float64(m.GetHistogram().GetSampleCount())
				values[mf.GetName()+" sum"] = m.GetHistogram().GetSampleSum()
			}
		}
	}
	return values
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}
