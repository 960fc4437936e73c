package scheduler

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skiff-io/skiff/scheduler/framework"
)

// PrometheusMetrics exports kube-scheduler's metrics under their names:
// scheduler_schedule_attempts_total{result,profile},
// scheduler_scheduling_attempt_duration_seconds{result,profile}, scheduler_pending_pods{queue}
// and scheduler_plugin_execution_duration_seconds{plugin,extension_point,status}.
type PrometheusMetrics struct {
	attempts *prometheus.CounterVec
	duration *prometheus.HistogramVec
	pending  *prometheus.GaugeVec
	plugins  *prometheus.HistogramVec
}

// NewPrometheusMetrics registers the metrics with reg.
func NewPrometheusMetrics(reg prometheus.Registerer) (*PrometheusMetrics, error) {
	m := &PrometheusMetrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Subsystem: "scheduler", Name: "schedule_attempts_total",
			Help: "Number of attempts to schedule pods, by the result."}, []string{"result", "profile"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Subsystem: "scheduler", Name: "scheduling_attempt_duration_seconds",
			Help: "Scheduling attempt latency in seconds (scheduling algorithm + binding).", Buckets: prometheus.ExponentialBuckets(0.001, 2, 15)},
			[]string{"result", "profile"}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{Subsystem: "scheduler", Name: "pending_pods",
			Help: "Number of pending pods, by the queue type."}, []string{"queue"}),
		plugins: prometheus.NewHistogramVec(prometheus.HistogramOpts{Subsystem: "scheduler", Name: "plugin_execution_duration_seconds",
			Help: "Duration for running a plugin at a specific extension point.", Buckets: prometheus.ExponentialBuckets(0.00001, 1.5, 20)},
			[]string{"plugin", "extension_point", "status"}),
	}
	for _, c := range []prometheus.Collector{m.attempts, m.duration, m.pending, m.plugins} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Attempt counts one scheduling attempt.
func (m *PrometheusMetrics) Attempt(profile, result string, d time.Duration) {
	m.attempts.WithLabelValues(result, profile).Inc()
	m.duration.WithLabelValues(result, profile).Observe(d.Seconds())
}

// PendingPods sets the queue lengths.
func (m *PrometheusMetrics) PendingPods(active, backoff, unschedulable int) {
	m.pending.WithLabelValues("active").Set(float64(active))
	m.pending.WithLabelValues("backoff").Set(float64(backoff))
	m.pending.WithLabelValues("unschedulable").Set(float64(unschedulable))
}

// PluginDuration observes one plugin call.
func (m *PrometheusMetrics) PluginDuration(extensionPoint, plugin string, status framework.Code, d time.Duration) {
	m.plugins.WithLabelValues(plugin, extensionPoint, status.String()).Observe(d.Seconds())
}
