package workqueue

import (
	"fmt"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// PrometheusMetrics reports queues to Prometheus under Kubernetes' metric names, each series
// labelled with the queue's name. Queues sharing a name share series.
type PrometheusMetrics struct {
	depth         *prometheus.GaugeVec
	adds          *prometheus.CounterVec
	queueDuration *prometheus.HistogramVec
	workDuration  *prometheus.HistogramVec
	retries       *prometheus.CounterVec
	inFlight      *inFlightCollector
}

var _ MetricsProvider = (*PrometheusMetrics)(nil)

// NewPrometheusMetrics creates the workqueue metrics and registers them with reg. It fails if
// reg already has them, for example from a second call with the same registry: share one
// PrometheusMetrics between queues instead.
func NewPrometheusMetrics(reg prometheus.Registerer) (*PrometheusMetrics, error) {
	// Durations range from microseconds in an idle queue to seconds in a backed-up one; these
	// are the buckets Kubernetes uses, 10ns to 10s by factors of ten, so dashboards carry over.
	buckets := prometheus.ExponentialBuckets(10e-9, 10, 10)
	labels := []string{"name"}
	p := &PrometheusMetrics{
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Subsystem: "workqueue", Name: "depth",
			Help: "Number of items waiting in a workqueue to be handed to a worker.",
		}, labels),
		adds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Subsystem: "workqueue", Name: "adds_total",
			Help: "Number of items added to a workqueue that were not already waiting in it.",
		}, labels),
		queueDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Subsystem: "workqueue", Name: "queue_duration_seconds",
			Help:    "Seconds an item waited in a workqueue before a worker got it.",
			Buckets: buckets,
		}, labels),
		workDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Subsystem: "workqueue", Name: "work_duration_seconds",
			Help:    "Seconds a worker took to process an item from a workqueue.",
			Buckets: buckets,
		}, labels),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Subsystem: "workqueue", Name: "retries_total",
			Help: "Number of delayed or rate-limited adds to a workqueue.",
		}, labels),
		inFlight: &inFlightCollector{
			unfinished: prometheus.NewDesc("workqueue_unfinished_work_seconds",
				"Seconds that the items workers hold have been held, summed. A value growing faster "+
					"than the number of workers means stuck workers.", labels, nil),
			longest: prometheus.NewDesc("workqueue_longest_running_processor_seconds",
				"Seconds the longest-held item has been held by a worker.", labels, nil),
			queues: make(map[string]func() InFlight),
		},
	}
	for _, c := range []prometheus.Collector{p.depth, p.adds, p.queueDuration, p.workDuration, p.retries, p.inFlight} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("workqueue: register metrics: %w", err)
		}
	}
	return p, nil
}

// NewQueueMetrics implements MetricsProvider. A later queue with the same name replaces an
// earlier one in the two in-flight gauges.
func (p *PrometheusMetrics) NewQueueMetrics(name string, inFlight func() InFlight) QueueMetrics {
	p.inFlight.set(name, inFlight)
	return QueueMetrics{
		Depth:         p.depth.WithLabelValues(name),
		Adds:          p.adds.WithLabelValues(name),
		QueueDuration: p.queueDuration.WithLabelValues(name),
		WorkDuration:  p.workDuration.WithLabelValues(name),
		Retries:       p.retries.WithLabelValues(name),
	}
}

// inFlightCollector asks each queue about its held items when Prometheus scrapes, instead of
// each queue refreshing gauges from a goroutine of its own.
type inFlightCollector struct {
	unfinished, longest *prometheus.Desc

	mu     sync.Mutex
	queues map[string]func() InFlight
}

func (c *inFlightCollector) set(name string, inFlight func() InFlight) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.queues[name] = inFlight
}

func (c *inFlightCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.unfinished
	ch <- c.longest
}

func (c *inFlightCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	queues := make(map[string]func() InFlight, len(c.queues))
	for name, f := range c.queues {
		queues[name] = f
	}
	c.mu.Unlock()
	// Queues are asked without holding c.mu so a slow queue lock never blocks NewQueueMetrics.
	for name, f := range queues {
		in := f()
		ch <- prometheus.MustNewConstMetric(c.unfinished, prometheus.GaugeValue, in.UnfinishedSeconds, name)
		ch <- prometheus.MustNewConstMetric(c.longest, prometheus.GaugeValue, in.LongestSeconds, name)
	}
}
