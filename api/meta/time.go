package meta

import (
	"encoding/json"
	"fmt"
	"time"
)

// Time is a time.Time that encodes as RFC 3339 with second precision in UTC ("2024-01-02T15:04:05Z"),
// and as null when zero, exactly as Kubernetes' metav1.Time.
type Time struct {
	time.Time `json:"-"`
}

// NewTime wraps t.
func NewTime(t time.Time) Time { return Time{t} }

// Now returns the current time, truncated to what the wire keeps (seconds).
func Now() Time { return Time{time.Now().Truncate(time.Second)} }

// Equal reports whether both are the same instant; nil pointers are equal to each other only.
func (t *Time) Equal(u *Time) bool {
	if t == nil || u == nil {
		return t == u
	}
	return t.Time.Equal(u.Time)
}

// DeepCopyInto copies the receiver into out.
func (t *Time) DeepCopyInto(out *Time) { *out = *t }

// DeepCopy returns a copy of the receiver.
func (t *Time) DeepCopy() *Time {
	if t == nil {
		return nil
	}
	out := *t
	return &out
}

// MarshalJSON writes RFC 3339 in UTC with second precision, or null.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(time.RFC3339)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"'), nil
}

// UnmarshalJSON reads RFC 3339 (any precision; the fraction is dropped, as Kubernetes does) or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time must be an RFC 3339 string: %w", err)
	}
	pt, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("time %q is not RFC 3339: %w", s, err)
	}
	t.Time = pt.Local().Truncate(time.Second)
	return nil
}

// String returns the wire form.
func (t Time) String() string { return t.UTC().Format(time.RFC3339) }

// RFC3339Micro is the format of MicroTime on the wire.
const RFC3339Micro = "2006-01-02T15:04:05.000000Z07:00"

// MicroTime is Time with microsecond precision, used by Leases and Events.
type MicroTime struct {
	time.Time `json:"-"`
}

// NewMicroTime wraps t.
func NewMicroTime(t time.Time) MicroTime { return MicroTime{t} }

// NowMicro returns the current time truncated to microseconds.
func NowMicro() MicroTime { return MicroTime{time.Now().Truncate(time.Microsecond)} }

// DeepCopyInto copies the receiver into out.
func (t *MicroTime) DeepCopyInto(out *MicroTime) { *out = *t }

// DeepCopy returns a copy of the receiver.
func (t *MicroTime) DeepCopy() *MicroTime {
	if t == nil {
		return nil
	}
	out := *t
	return &out
}

// MarshalJSON writes RFC 3339 with microseconds in UTC, or null.
func (t MicroTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(RFC3339Micro)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, RFC3339Micro)
	return append(b, '"'), nil
}

// UnmarshalJSON reads RFC 3339 with up to microsecond precision, or null.
func (t *MicroTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time must be an RFC 3339 string: %w", err)
	}
	pt, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time %q is not RFC 3339: %w", s, err)
	}
	t.Time = pt.Local().Truncate(time.Microsecond)
	return nil
}
