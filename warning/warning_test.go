package warning_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/warning"
)

func TestAddWithoutRecorderIsDropped(t *testing.T) {
	warning.Add(context.Background(), "nobody listens") // must not panic
}

func TestHeaderRecorder(t *testing.T) {
	h := http.Header{}
	ctx := warning.WithRecorder(context.Background(), warning.NewHeaderRecorder(h))
	warning.Add(ctx, `would violate PodSecurity "restricted:latest": privileged`)
	warning.Add(ctx, `would violate PodSecurity "restricted:latest": privileged`) // repeat
	warning.Add(ctx, "   ")                                                       // blank
	warning.Add(ctx, `path C:\tmp`+"\nnext line")
	warning.Add(ctx, "unicode: café")
	want := []string{
		`299 - "would violate PodSecurity \"restricted:latest\": privileged"`,
		`299 - "path C:\\tmp next line"`,
		`299 - "unicode: café"`,
	}
	if diff := cmp.Diff(want, h.Values("Warning")); diff != "" {
		t.Errorf("Warning headers (-want +got):\n%s", diff)
	}
}

func TestHeaderRecorderLimits(t *testing.T) {
	h := http.Header{}
	r := warning.NewHeaderRecorder(h)
	var wg sync.WaitGroup
	for i := range 2 * warning.MaxCount {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.AddWarning(fmt.Sprintf("warning %d", i))
		}()
	}
	wg.Wait()
	if n := len(h.Values("Warning")); n != warning.MaxCount {
		t.Errorf("%d Warning headers, want the limit %d", n, warning.MaxCount)
	}

	h = http.Header{}
	warning.NewHeaderRecorder(h).AddWarning(strings.Repeat("é", warning.MaxTextBytes)) // 2 bytes each
	v := h.Get("Warning")
	text := strings.TrimSuffix(strings.TrimPrefix(v, `299 - "`), `"`)
	if len(text) > warning.MaxTextBytes || !strings.HasSuffix(text, "...") || strings.ContainsRune(text, '\uFFFD') {
		t.Errorf("long warning not cut cleanly to %d bytes: %d bytes, ends %q", warning.MaxTextBytes, len(text), text[len(text)-8:])
	}
}
