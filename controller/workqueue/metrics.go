package workqueue

// Counter is a monotonically increasing metric. prometheus.Counter satisfies it.
type Counter interface {
	Inc()
}

// Gauge is a metric that goes up and down. prometheus.Gauge satisfies it.
type Gauge interface {
	Inc()
	Dec()
}

// Histogram records observations, here durations in seconds. prometheus.Histogram satisfies it.
type Histogram interface {
	Observe(float64)
}

// QueueMetrics are the instruments one queue reports to. A nil field is not reported.
type QueueMetrics struct {
	// Depth is the number of items waiting to be handed to a worker (workqueue_depth). An item
	// re-added while a worker holds it counts as waiting, although Len does not report it until
	// Done.
	Depth Gauge
	// Adds counts items that became waiting (workqueue_adds_total); adding an item that is
	// already waiting is not counted.
	Adds Counter
	// QueueDuration observes how long an item waited before a worker got it
	// (workqueue_queue_duration_seconds).
	QueueDuration Histogram
	// WorkDuration observes how long a worker held an item, from Get to Done
	// (workqueue_work_duration_seconds).
	WorkDuration Histogram
	// Retries counts AddAfter and AddRateLimited calls (workqueue_retries_total).
	Retries Counter
}

// InFlight describes the items workers hold right now.
type InFlight struct {
	// UnfinishedSeconds is the sum over items being processed of how long each has been held
	// (workqueue_unfinished_work_seconds). A value growing much faster than the number of
	// workers suggests stuck workers.
	UnfinishedSeconds float64
	// LongestSeconds is how long the oldest item being processed has been held
	// (workqueue_longest_running_processor_seconds).
	LongestSeconds float64
}

// MetricsProvider creates the instruments for a named queue, so the queue does not depend on a
// metrics library or a global registry.
type MetricsProvider interface {
	// NewQueueMetrics returns the instruments for the queue called name. inFlight reports, when
	// called, on the items the queue's workers hold; a provider calls it when metrics are
	// collected rather than the queue pushing updates, so that stuck workers show up without the
	// queue running a goroutine to refresh a gauge. inFlight takes the queue's lock and is safe
	// to call from any goroutine.
	//
	// The queue updates the returned instruments while holding its lock, so they must be quick
	// and must not call back into the queue.
	NewQueueMetrics(name string, inFlight func() InFlight) QueueMetrics
}

type noopMetric struct{}

func (noopMetric) Inc()            {}
func (noopMetric) Dec()            {}
func (noopMetric) Observe(float64) {}

// withDefaults replaces nil instruments by no-ops so the queue never checks for nil.
func (m QueueMetrics) withDefaults() QueueMetrics {
	if m.Depth == nil {
		m.Depth = noopMetric{}
	}
	if m.Adds == nil {
		m.Adds = noopMetric{}
	}
	if m.QueueDuration == nil {
		m.QueueDuration = noopMetric{}
	}
	if m.WorkDuration == nil {
		m.WorkDuration = noopMetric{}
	}
	if m.Retries == nil {
		m.Retries = noopMetric{}
	}
	return m
}
