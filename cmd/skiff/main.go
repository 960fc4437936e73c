// Command skiff runs skiff's control plane and its parts. Today it has `version` and `demo`; later
// sub-commands (up, apiserver, controller-manager, scheduler, kubelet, runtime) join as the building
// blocks land.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "skiff:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	var verbose bool
	root := &cobra.Command{
		Use:           "skiff",
		Short:         "Kubernetes' control plane as composable Go building blocks",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log what the building blocks do")
	logger := func() logr.Logger {
		if !verbose {
			return logr.Discard()
		}
		return logr.FromSlogHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	root.AddCommand(newVersion(), newDemo(logger), newAPIServer(logger), newControllerManager(logger), newScheduler(logger))
	return root
}

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print skiff's version and the Go version it was built with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			version, goVersion := "(devel)", "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
				if bi.Main.Version != "" {
					version = bi.Main.Version
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "skiff %s (%s)\n", version, goVersion)
			return nil
		},
	}
}
