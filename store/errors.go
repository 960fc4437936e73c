package store

import "errors"

// Sentinel errors; every error a store returns wraps one of them, to be tested with errors.Is.
var (
	ErrNotFound               = errors.New("store: not found")
	ErrAlreadyExists          = errors.New("store: already exists")
	ErrConflict               = errors.New("store: conflict")
	ErrTooOldResourceVersion  = errors.New("store: too old resource version")
	ErrInvalidResourceVersion = errors.New("store: invalid resource version")
	ErrInvalidContinue        = errors.New("store: invalid continue token")
	// ErrContinueExpired means the revision a continue token was read at is no longer kept: start
	// the list again.
	ErrContinueExpired = errors.New("store: continue token expired")
	ErrInvalidObject   = errors.New("store: invalid object")
	ErrClosed          = errors.New("store: closed")
	// ErrCorrupt means the data on disk cannot be trusted; the store refuses to open it.
	ErrCorrupt = errors.New("store: data corrupt")
	// ErrFailed means a write could not be made durable; the store takes no more writes.
	ErrFailed = errors.New("store: failed")
)

// OpError is a store error about one key.
type OpError struct {
	Err    error // one of the sentinels
	Key    string
	Detail string
}

func (e *OpError) Error() string {
	s := e.Err.Error()
	if e.Key != "" {
		s += ": " + e.Key
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel.
func (e *OpError) Unwrap() error { return e.Err }

// IsNotFound reports whether err wraps ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsConflict reports whether err wraps ErrConflict.
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }
