package webhook

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/meta"
)

// Sentinels for errors.Is on what the plugins return.
var (
	// ErrDenied is wrapped by the rejection of a webhook that answered allowed: false.
	ErrDenied = errors.New("webhook: denied the request")
	// ErrDryRunUnsupported is wrapped by the rejection of a dry-run request by a matching webhook
	// whose sideEffects are not None or NoneOnDryRun: calling it could change something.
	ErrDryRunUnsupported = errors.New("webhook: does not support dry run")
	// ErrServiceReference is why a webhook configured with clientConfig.service cannot be called.
	ErrServiceReference = errors.New("webhook: clientConfig.service is not supported: skiff has no Services to resolve yet; give the webhook a clientConfig.url")
)

// Error is every rejection the plugins return. Status is what the API server sends the client, as
// Kubernetes words it; errors.As finds it, so the server passes it through unchanged.
type Error struct {
	// Webhook is the webhook that caused the rejection; empty when none did (the configurations
	// could not be listed, the request ran out of time).
	Webhook string
	Status  *meta.Status
	// Err is the cause: ErrDenied, ErrDryRunUnsupported, a *CallError, or another error.
	Err error
}

func (e *Error) Error() string { return e.Status.Message }

// Unwrap returns the Status and the cause.
func (e *Error) Unwrap() []error { return []error{e.Status, e.Err} }

// CallError is a failure to get a usable answer from a webhook: it could not be reached, did not
// answer in time, or answered something that is not a valid AdmissionReview. The webhook's
// failurePolicy decides what it does: Fail rejects the request with a 500, Ignore goes on.
type CallError struct {
	Webhook string
	Err     error
}

func (e *CallError) Error() string {
	return fmt.Sprintf("failed calling webhook %q: %v", e.Webhook, e.Err)
}

func (e *CallError) Unwrap() error { return e.Err }

func callError(webhook string, format string, args ...any) *CallError {
	return &CallError{Webhook: webhook, Err: fmt.Errorf(format, args...)}
}

// failedClosed is the rejection for a call failure under failurePolicy Fail: an internal error, as
// kube-apiserver returns it ("Internal error occurred: failed calling webhook ...").
func failedClosed(ce *CallError) *Error {
	return &Error{Webhook: ce.Webhook, Status: apierrors.NewInternalError(ce), Err: ce}
}

func internal(webhook string, err error) *Error {
	return &Error{Webhook: webhook, Status: apierrors.NewInternalError(err), Err: err}
}

// denied turns a webhook's allowed: false into the status the client sees, as kube-apiserver 1.24
// and later do: the message is "admission webhook %q denied the request: <message>" (or ": <reason>",
// or " without explanation"); the reason and details are the webhook's own; the code is the
// webhook's when it is an error code (400-599), else 400 Bad Request, so a rejection never goes out
// with a success code and a silent webhook does not claim an authorization failure.
func denied(webhook string, result *meta.Status) *Error {
	st := meta.NewStatus(http.StatusBadRequest, "", "")
	if result != nil {
		st.Reason, st.Details = result.Reason, result.Details
		if result.Code >= http.StatusBadRequest && result.Code <= 599 {
			st.Code = result.Code
		}
	}
	deniedBy := fmt.Sprintf("admission webhook %q denied the request", webhook)
	switch {
	case result != nil && result.Message != "":
		st.Message = deniedBy + ": " + result.Message
	case result != nil && result.Reason != "":
		st.Message = deniedBy + ": " + string(result.Reason)
	default:
		st.Message = deniedBy + " without explanation"
	}
	return &Error{Webhook: webhook, Status: st, Err: ErrDenied}
}

// dryRunUnsupported is kube-apiserver's 400 for a dry run that reaches a webhook with side effects.
func dryRunUnsupported(webhook string) *Error {
	return &Error{Webhook: webhook, Err: ErrDryRunUnsupported,
		Status: apierrors.NewBadRequest(fmt.Sprintf("admission webhook %q does not support dry run", webhook))}
}
