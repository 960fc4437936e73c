package framework

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
)

// PluginFactory makes a plugin. args are the plugin's arguments from the scheduler's configuration
// (the pluginConfig entry's args, as JSON; nil when there are none), which the plugin decodes
// into its own type.
type PluginFactory func(ctx context.Context, args json.RawMessage, h Handle) (Plugin, error)

// Registry maps plugin names to factories.
type Registry map[string]PluginFactory

// Register adds a factory; a name already taken is an error.
func (r Registry) Register(name string, f PluginFactory) error {
	if _, ok := r[name]; ok {
		return fmt.Errorf("framework: a plugin named %q is already registered", name)
	}
	r[name] = f
	return nil
}

// Merge adds every factory of o (out-of-tree plugins, beside the defaults).
func (r Registry) Merge(o Registry) error {
	for name, f := range o {
		if err := r.Register(name, f); err != nil {
			return err
		}
	}
	return nil
}

// DecodeArgs decodes a plugin's args into out, strictly; nil args leave out as it is (its
// defaults).
func DecodeArgs(args json.RawMessage, out any) error {
	if len(args) == 0 || string(args) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytesReader(args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("plugin args: %w", err)
	}
	return nil
}

// NewParallelizer returns a Parallelizer with n workers (16, Kubernetes' default, when n <= 0).
func NewParallelizer(n int) Parallelizer {
	if n <= 0 {
		n = 16
	}
	return parallelizer(n)
}

type parallelizer int

// Until calls do for every piece, on up to p goroutines (the caller's among them), handing out
// pieces in chunks so that goroutines do not fight over one counter; once ctx is done no further
// piece starts (checked before each piece, as Kubernetes' workqueue.ParallelizeUntil does, so
// that a search that has found enough stops at once).
func (p parallelizer) Until(ctx context.Context, pieces int, do func(i int)) {
	if pieces <= 0 {
		return
	}
	done := ctx.Done()
	stopped := func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	workers := min(int(p), pieces)
	chunk := max(1, min(pieces/(workers*4), 64))
	if workers == 1 {
		for i := range pieces {
			if stopped() {
				return
			}
			do(i)
		}
		return
	}
	var next atomic.Int64
	work := func() {
		for {
			start := int(next.Add(int64(chunk))) - chunk
			if start >= pieces {
				return
			}
			for i := start; i < min(start+chunk, pieces); i++ {
				if stopped() {
					return
				}
				do(i)
			}
		}
	}
	var wg sync.WaitGroup
	wg.Add(workers - 1)
	for range workers - 1 {
		go func() {
			defer wg.Done()
			work()
		}()
	}
	// The caller is the last worker, rather than waiting idle for the others to start.
	work()
	wg.Wait()
}
