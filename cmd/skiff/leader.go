package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/skiff-io/skiff/controller/leaderelection"
)

// runLeading runs fn only while this process holds the lease cfg names (its Client, Lock and
// timings set; identity and callbacks are filled here), as kube-controller-manager and
// kube-scheduler do. Losing the lease is an error, so that the process exits and nothing it
// started keeps acting beside the new leader.
func runLeading(ctx context.Context, stderr io.Writer, component string, cfg leaderelection.Config, fn func(context.Context) error) error {
	host, _ := os.Hostname()
	suffix := make([]byte, 8)
	_, _ = rand.Read(suffix)
	cfg.Identity = host + "_" + hex.EncodeToString(suffix)
	cfg.ReleaseOnCancel = true
	runErr := make(chan error, 1)
	cfg.Callbacks = leaderelection.Callbacks{
		OnStartedLeading: func(ctx context.Context) {
			fmt.Fprintf(stderr, "skiff %s: %s leads\n", component, cfg.Identity)
			runErr <- fn(ctx)
		},
		OnNewLeader: func(id string) {
			if id != cfg.Identity {
				fmt.Fprintf(stderr, "skiff %s: %s leads; waiting\n", component, id)
			}
		},
	}
	el, err := leaderelection.New(cfg)
	if err != nil {
		return err
	}
	if err := el.Run(ctx); err != nil {
		return fmt.Errorf("leader election: %w", err)
	}
	select {
	case err := <-runErr:
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	default:
	}
	return nil
}
