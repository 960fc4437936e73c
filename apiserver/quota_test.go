package apiserver_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/skiff-io/skiff/admission/plugins"
	"github.com/skiff-io/skiff/apiserver"
)

// TestQuotaHoldsUnderConcurrentCreates sends 100 pod creates at once through the whole request
// path, with the default admission plugins, against a ResourceQuota of 10 pods: exactly 10 must
// get in, every other one must get Kubernetes' 403, and the quota's status must say 10. It runs
// several rounds, since a race would not show every time.
func TestQuotaHoldsUnderConcurrentCreates(t *testing.T) {
	ts := newTestServer(t, func(cfg *apiserver.Config) {
		chain, err := plugins.New().Build(nil, nil, plugins.Deps{Store: cfg.Store, Kinds: cfg.Registry})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Admission = chain
	})
	const rounds, creators, limit = 8, 100, 10
	for round := range rounds {
		ns := fmt.Sprintf("round-%d", round)
		ts.mustDo(201, "POST", "/api/v1/namespaces", fmt.Sprintf(`{"metadata":{"name":%q}}`, ns))
		ts.mustDo(201, "POST", "/api/v1/namespaces/"+ns+"/serviceaccounts", `{"metadata":{"name":"default"}}`)
		// The status is the quota controller's to fill; here the test plays that part.
		ts.mustDo(201, "POST", "/api/v1/namespaces/"+ns+"/resourcequotas", `{"metadata":{"name":"q"},"spec":{"hard":{"pods":"10"}}}`)
		ts.mustDo(200, "PUT", "/api/v1/namespaces/"+ns+"/resourcequotas/q/status",
			`{"metadata":{"name":"q"},"spec":{"hard":{"pods":"10"}},"status":{"hard":{"pods":"10"},"used":{"pods":"0"}}}`)

		codes := make([]int, creators)
		bodies := make([]string, creators)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range creators {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := ts.do("POST", "/api/v1/namespaces/"+ns+"/pods",
					fmt.Sprintf(`{"metadata":{"name":"pod-%d"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}`, i))
				codes[i], bodies[i] = r.code, string(r.body)
			}()
		}
		close(start)
		wg.Wait()
		created := 0
		for i, code := range codes {
			switch code {
			case http.StatusCreated:
				created++
			case http.StatusForbidden:
				want := fmt.Sprintf(`pods \"pod-%d\" is forbidden: exceeded quota: q, requested: pods=1, used: pods=10, limited: pods=10`, i)
				if !strings.Contains(bodies[i], want) {
					t.Errorf("round %d: pod-%d refused with %s", round, i, bodies[i])
				}
			default:
				t.Errorf("round %d: pod-%d: %d %s", round, i, code, bodies[i])
			}
		}
		if created != limit {
			t.Errorf("round %d: %d pods created against a quota of %d", round, created, limit)
		}
		q := ts.mustDo(200, "GET", "/api/v1/namespaces/"+ns+"/resourcequotas/q", "")
		if used := get(q, "status", "used", "pods"); used != "10" {
			t.Errorf("round %d: quota used pods = %v, want 10", round, used)
		}
		list := ts.mustDo(200, "GET", "/api/v1/namespaces/"+ns+"/pods", "")
		if n := len(get(list, "items").([]any)); n != limit {
			t.Errorf("round %d: %d pods stored", round, n)
		}
	}
}
