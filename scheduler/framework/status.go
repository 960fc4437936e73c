package framework

import (
	"errors"
	"fmt"
	"strings"
)

// Code is the outcome of a plugin's call.
type Code int

// The codes, as Kubernetes' scheduler framework numbers them.
const (
	// Success: go on. A nil *Status is Success too.
	Success Code = iota
	// Error: something broke; the pod is retried with backoff.
	Error
	// Unschedulable: the pod does not fit now; preemption might make it fit.
	Unschedulable
	// UnschedulableAndUnresolvable: the pod cannot fit on the node whatever is preempted.
	UnschedulableAndUnresolvable
	// Wait: a Permit plugin holds the pod.
	Wait
	// Skip: the plugin has nothing to do for this pod (PreFilter, PreScore); its later extension
	// points are skipped too.
	Skip
	// Pending: the pod waits for something outside scheduling (an external controller).
	Pending
)

var codeNames = []string{"Success", "Error", "Unschedulable", "UnschedulableAndUnresolvable", "Wait", "Skip", "Pending"}

func (c Code) String() string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Status is a plugin's answer: a code, the reasons a user will read (in the FailedScheduling
// event), and the plugin that gave it. A nil *Status is Success.
type Status struct {
	code    Code
	reasons []string
	err     error
	plugin  string
}

// NewStatus returns a status with a code and reasons.
func NewStatus(code Code, reasons ...string) *Status {
	s := &Status{code: code, reasons: reasons}
	if code == Error {
		s.err = errors.New(s.Message())
	}
	return s
}

// AsStatus wraps an error as an Error status; nil is Success.
func AsStatus(err error) *Status {
	if err == nil {
		return nil
	}
	return &Status{code: Error, reasons: []string{err.Error()}, err: err}
}

// Code returns the status's code; Success for nil.
func (s *Status) Code() Code {
	if s == nil {
		return Success
	}
	return s.code
}

// Reasons returns the reasons.
func (s *Status) Reasons() []string {
	if s == nil {
		return nil
	}
	if s.err != nil && len(s.reasons) == 0 {
		return []string{s.err.Error()}
	}
	return s.reasons
}

// Message joins the reasons with ", ".
func (s *Status) Message() string {
	return strings.Join(s.Reasons(), ", ")
}

// Plugin names the plugin that gave the status, when the framework has set it.
func (s *Status) Plugin() string {
	if s == nil {
		return ""
	}
	return s.plugin
}

// WithPlugin sets the plugin's name and returns s.
func (s *Status) WithPlugin(name string) *Status {
	if s != nil {
		s.plugin = name
	}
	return s
}

// AppendReason adds a reason.
func (s *Status) AppendReason(reason string) {
	if s != nil {
		s.reasons = append(s.reasons, reason)
	}
}

// IsSuccess reports Success (or nil).
func (s *Status) IsSuccess() bool { return s.Code() == Success }

// IsWait reports Wait.
func (s *Status) IsWait() bool { return s.Code() == Wait }

// IsSkip reports Skip.
func (s *Status) IsSkip() bool { return s.Code() == Skip }

// IsRejected reports that the pod does not fit: Unschedulable, UnschedulableAndUnresolvable or
// Pending.
func (s *Status) IsRejected() bool {
	c := s.Code()
	return c == Unschedulable || c == UnschedulableAndUnresolvable || c == Pending
}

// AsError returns the status as an error: nil for success and rejections' absence, the wrapped
// error for Error, and an error of the message otherwise.
func (s *Status) AsError() error {
	if s.IsSuccess() || s.IsWait() || s.IsSkip() {
		return nil
	}
	if s.err != nil {
		return s.err
	}
	return errors.New(s.Message())
}

// String is the code and the message.
func (s *Status) String() string {
	if s == nil {
		return "Success"
	}
	if s.plugin != "" {
		return fmt.Sprintf("%s: %s (%s)", s.code, s.Message(), s.plugin)
	}
	return fmt.Sprintf("%s: %s", s.code, s.Message())
}

// Equal compares code, reasons and plugin, for tests.
func (s *Status) Equal(o *Status) bool {
	if s.Code() != o.Code() || s.Plugin() != o.Plugin() {
		return false
	}
	a, b := s.Reasons(), o.Reasons()
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// WithError attaches the error behind the status, which AsError returns (and errors.As finds),
// and whose message is the reason when the status has none.
func (s *Status) WithError(err error) *Status {
	if s != nil {
		s.err = err
	}
	return s
}
