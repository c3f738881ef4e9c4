package metrics

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var (
	httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "otwarty_http_requests_total", Help: "HTTP requests by route, method and status code (101 for WebSocket upgrades).",
	}, []string{"route", "method", "code"})
	httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "otwarty_http_request_duration_seconds", Help: "HTTP request duration by route and method; WebSocket upgrades are left out.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route", "method"})
)

// Handler serves Registry in the Prometheus exposition format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}

// HTTP counts and times the requests next serves under a fixed route label;
// the raw path is never a label, so clients cannot create series.
//
// It is written here rather than with promhttp's delegators so that a
// hijacked WebSocket counts as code 101 and its lifetime (hours) stays out
// of the request-duration histogram.
func HTTP(route string, next http.Handler) http.Handler {
	count := httpRequests.MustCurryWith(prometheus.Labels{"route": route})
	observe := httpDuration.MustCurryWith(prometheus.Labels{"route": route})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		m := method(r.Method)
		if rec.hijacked {
			count.WithLabelValues(m, "101").Inc()
			return
		}
		if rec.code == 0 {
			rec.code = http.StatusOK // the handler wrote nothing: net/http sends 200
		}
		count.WithLabelValues(m, strconv.Itoa(rec.code)).Inc()
		observe.WithLabelValues(m).Observe(time.Since(start).Seconds())
	})
}

// method keeps the label bounded: a client may send any token as a method.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// recorder notes the status code and a hijack. Flush and Hijack go through
// http.ResponseController, which follows Unwrap, so the WebSocket upgrade and
// streaming work whenever the underlying writer supports them.
type recorder struct {
	http.ResponseWriter
	code     int
	hijacked bool
}

func (r *recorder) WriteHeader(code int) {
	// 1xx are interim responses: the final status is still to come.
	if r.code == 0 && code >= 200 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil {
		r.hijacked = true
	}
	return c, rw, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
