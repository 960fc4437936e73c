package leaderelection

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/client"
)

// Kubernetes' defaults, those of kube-controller-manager and kube-scheduler.
const (
	DefaultLeaseDuration = 15 * time.Second
	DefaultRenewDeadline = 10 * time.Second
	DefaultRetryPeriod   = 2 * time.Second
)

// JitterFactor stretches the wait between two attempts to acquire the lease by up to this multiple
// of RetryPeriod, at random, so that candidates started together do not keep colliding.
const JitterFactor = 1.2

// ErrInvalidConfig is wrapped by the error New returns for a Config that cannot work.
var ErrInvalidConfig = errors.New("leaderelection: invalid configuration")

// ErrLeadershipLost is wrapped by the error Run returns when it stops leading before its context
// is done: the lease was not renewed within RenewDeadline, or another candidate holds it.
var ErrLeadershipLost = errors.New("leaderelection: leadership lost")

// ErrAlreadyRunning is returned by a second Run of an Elector whose first Run has not returned.
var ErrAlreadyRunning = errors.New("leaderelection: already running")

// LeaseRef names the coordination.k8s.io/v1 Lease that candidates compete for.
type LeaseRef struct {
	Namespace string
	Name      string
}

// String returns "namespace/name".
func (r LeaseRef) String() string { return r.Namespace + "/" + r.Name }

// Config describes one candidate. Every candidate of an election must use the same Lock and a
// different Identity; they should use the same durations.
type Config struct {
	// Client reaches the API server that holds the Lease.
	Client *client.Client
	// Lock is the Lease; it is created when missing.
	Lock LeaseRef
	// Identity is written to the Lease's holderIdentity while this candidate leads; it must be
	// unique among the candidates (a pod name, or hostname plus a random suffix).
	Identity string

	// LeaseDuration is how long a candidate waits, after it last saw the Lease change, before it
	// takes the Lease over from a holder that stopped renewing it. It is written to the Lease in
	// whole seconds, rounded up. DefaultLeaseDuration when zero.
	LeaseDuration time.Duration
	// RenewDeadline is how long the leader keeps trying to renew after its last successful
	// renewal before it gives up leading. It must be shorter than LeaseDuration so that a leader
	// cut off from the API server stops before the others may take over. DefaultRenewDeadline
	// when zero.
	RenewDeadline time.Duration
	// RetryPeriod is the wait between two attempts to acquire or renew the Lease (attempts to
	// acquire wait up to JitterFactor times longer). DefaultRetryPeriod when zero.
	RetryPeriod time.Duration

	// Clock measures the durations above and stamps the Lease; the real clock when nil.
	Clock clock.Clock
	// Logger receives acquisitions, losses and failed attempts; nothing is logged when it is the
	// zero Logger.
	Logger logr.Logger
	// Callbacks are told when this candidate starts and stops leading and who leads.
	Callbacks Callbacks
	// ReleaseOnCancel makes a leader that stops give the Lease up (an empty holderIdentity and a
	// one-second leaseDurationSeconds) so that another candidate takes over at once instead of
	// after LeaseDuration. Run releases only after OnStartedLeading has returned, so the work it
	// guards must be over when it returns.
	ReleaseOnCancel bool
}

// Callbacks are the hooks of an Elector; each may be nil.
type Callbacks struct {
	// OnStartedLeading is called, in its own goroutine, when this candidate becomes the leader.
	// Its context is cancelled when the candidate stops leading, and it must return soon after:
	// Run waits for it to return before it releases the Lease, calls OnStoppedLeading and returns.
	OnStartedLeading func(ctx context.Context)
	// OnStoppedLeading is called once OnStartedLeading has returned, when this candidate has
	// stopped leading. It is not called when Run ends without having led.
	OnStoppedLeading func()
	// OnNewLeader is called with the identity of each holder of the Lease this candidate sees,
	// itself included, in order, from a goroutine of its own. When holders change faster than it
	// returns, only the latest one is reported. A released Lease (no holder) is not reported.
	OnNewLeader func(identity string)
}

// withDefaults returns cfg with the defaults of its zero fields filled in, or an error that says
// every problem it has.
func (cfg Config) withDefaults() (Config, error) {
	var problems []string
	if cfg.Client == nil {
		problems = append(problems, "a Client is required")
	}
	if cfg.Lock.Namespace == "" || cfg.Lock.Name == "" {
		problems = append(problems, fmt.Sprintf("Lock needs both a namespace and a name, got %q", cfg.Lock.String()))
	}
	if cfg.Identity == "" {
		problems = append(problems, "an Identity is required: it is written to the Lease's holderIdentity")
	}
	defaulted := func(name string, d *time.Duration, def time.Duration) {
		switch {
		case *d == 0:
			*d = def
		case *d < 0:
			problems = append(problems, fmt.Sprintf("%s must be positive, got %v", name, *d))
		}
	}
	defaulted("LeaseDuration", &cfg.LeaseDuration, DefaultLeaseDuration)
	defaulted("RenewDeadline", &cfg.RenewDeadline, DefaultRenewDeadline)
	defaulted("RetryPeriod", &cfg.RetryPeriod, DefaultRetryPeriod)
	if cfg.LeaseDuration > 0 && cfg.RenewDeadline > 0 && cfg.RetryPeriod > 0 {
		// The two checks client-go makes: a leader must give up before others may take over, and
		// must get more than one jittered attempt at renewing before it gives up.
		if cfg.LeaseDuration <= cfg.RenewDeadline {
			problems = append(problems, fmt.Sprintf("LeaseDuration (%v) must be greater than RenewDeadline (%v)", cfg.LeaseDuration, cfg.RenewDeadline))
		}
		if jittered := time.Duration(JitterFactor * float64(cfg.RetryPeriod)); cfg.RenewDeadline <= jittered {
			problems = append(problems, fmt.Sprintf("RenewDeadline (%v) must be greater than RetryPeriod*JitterFactor (%v*%v = %v)",
				cfg.RenewDeadline, cfg.RetryPeriod, JitterFactor, jittered))
		}
	}
	if len(problems) > 0 {
		return cfg, fmt.Errorf("%w: %s", ErrInvalidConfig, strings.Join(problems, "; "))
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.Logger.GetSink() == nil {
		cfg.Logger = logr.Discard()
	}
	return cfg, nil
}

// leaseSeconds is LeaseDuration as the Lease records it: whole seconds, rounded up so that no
// other candidate may take over before the leader's own RenewDeadline, and at least one, the
// least the API server accepts.
func leaseSeconds(d time.Duration) int32 {
	return int32(max(1, (d+time.Second-1)/time.Second))
}
