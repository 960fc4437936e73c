package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller/manager"
	"github.com/skiff-io/skiff/store/memdb"
)

// Options shape the control plane; the zero value is Kubernetes' built-in kinds, everything
// allowed.
type Options struct {
	// Registry holds the kinds served; api.Builtin() when nil. Register custom kinds on it first.
	Registry *api.Registry
	// HistorySize is how many changes the store keeps for watches that resume (1,000 when zero).
	HistorySize int
	// BookmarkInterval is how often idle watches that ask get a bookmark (1 s when zero).
	BookmarkInterval time.Duration
	// Controllers starts a controller manager with these --controllers rules ("*" for every
	// built-in controller: deployment, replicaset, garbage collector, ...); none when empty.
	Controllers []string
	// Server adjusts the API server's configuration (authentication, admission, ...) before it
	// starts.
	Server func(*apiserver.Config)
	Logger logr.Logger
}

// Env is a running control plane.
type Env struct {
	Registry *api.Registry
	Store    *memdb.Store
	Server   *apiserver.Server
	// Context is cancelled when the test ends.
	Context context.Context
}

// Start starts a control plane that stops when tb ends.
func Start(tb testing.TB, opts Options) *Env {
	tb.Helper()
	reg := opts.Registry
	if reg == nil {
		reg = api.Builtin()
	}
	if opts.HistorySize == 0 {
		opts.HistorySize = 1000
	}
	if opts.BookmarkInterval == 0 {
		opts.BookmarkInterval = time.Second
	}
	st, err := memdb.Open(memdb.Options{Codec: reg, HistorySize: opts.HistorySize, BookmarkInterval: opts.BookmarkInterval, Logger: opts.Logger})
	if err != nil {
		tb.Fatalf("testenv: store: %v", err)
	}
	cfg := apiserver.Config{Registry: reg, Store: st, Logger: opts.Logger}
	if opts.Server != nil {
		opts.Server(&cfg)
	}
	srv, err := apiserver.New(cfg)
	if err != nil {
		st.Close()
		tb.Fatalf("testenv: API server: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	// Cleanups run last-in first-out: the context is cancelled (stopping informers and
	// controllers) before the store closes.
	tb.Cleanup(func() { st.Close() })
	tb.Cleanup(cancel)
	if err := srv.Bootstrap(ctx); err != nil {
		tb.Fatalf("testenv: bootstrap: %v", err)
	}
	env := &Env{Registry: reg, Store: st, Server: srv, Context: ctx}
	if len(opts.Controllers) > 0 {
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := manager.Run(ctx, env.Client(), manager.Options{Controllers: opts.Controllers, Registry: reg, Logger: opts.Logger}); err != nil && ctx.Err() == nil {
				tb.Errorf("testenv: controller manager: %v", err)
			}
		}()
		// Registered after cancel, so run before it: wait for the controllers to stop.
		tb.Cleanup(func() { cancel(); <-done })
	}
	return env
}

// Config returns a client configuration that reaches the server in process, without rate
// limiting. Set credentials on it when the server authenticates.
func (e *Env) Config() client.Config {
	return client.Config{Host: "https://skiff.test", Transport: e.Server.Transport(nil), QPS: -1, Registry: e.Registry}
}

// Client returns a new client of the server.
func (e *Env) Client() *client.Client {
	c, err := client.New(e.Config())
	if err != nil {
		panic(err) // the configuration above is always valid
	}
	return c
}

// Eventually polls cond every 5 ms until it holds, and fails tb if it does not within 30 s: for
// tests waiting on controllers, informers and watches, which converge but not at once.
func Eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
