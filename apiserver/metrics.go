package apiserver

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"k8s.io/utils/clock"
)

// metrics are the API server's Prometheus metrics, with Kubernetes' names and labels.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "apiserver_request_total",
			Help: "Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
		}, []string{"verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "apiserver_request_duration_seconds",
			Help: "Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
			Buckets: []float64{0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3,
				4, 5, 6, 8, 10, 15, 20, 30, 45, 60},
		}, []string{"verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component"}),
		inflight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "apiserver_current_inflight_requests",
			Help: "Maximal number of currently used inflight request limit of this apiserver per request kind in last second.",
		}, []string{"request_kind"}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.inflight,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	m.inflight.WithLabelValues("mutating").Set(0)
	m.inflight.WithLabelValues("readOnly").Set(0)
	return m
}

// handler serves /metrics.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// WithMetrics counts requests and measures their latency.
func WithMetrics(m *metrics, clk clock.PassiveClock) Filter {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := clk.Now()
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			ri, ok := RequestInfoFrom(r.Context())
			if !ok {
				return
			}
			verb := ri.Verb
			if !ri.IsResourceRequest {
				verb = r.Method
			}
			scope := ""
			switch {
			case !ri.IsResourceRequest:
			case ri.Namespace != "" && ri.Resource != "namespaces":
				scope = "namespace"
			case ri.Name != "":
				scope = "resource"
			default:
				scope = "cluster"
			}
			dryRun := ""
			if r.URL.Query().Has("dryRun") {
				dryRun = "All"
			}
			m.requests.WithLabelValues(verb, dryRun, ri.APIGroup, ri.APIVersion, ri.Resource, ri.Subresource, scope, "apiserver", strconv.Itoa(rec.code())).Inc()
			if !ri.IsLongRunning() {
				m.duration.WithLabelValues(verb, dryRun, ri.APIGroup, ri.APIVersion, ri.Resource, ri.Subresource, scope, "apiserver").Observe(time.Since(start).Seconds())
			}
		})
	}
}
