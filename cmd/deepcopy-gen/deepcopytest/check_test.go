package deepcopytest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// recorder is a testing.TB that records failures instead of failing the test, so Check's own failures
// can be tested. Fatalf ends the goroutine, as testing.T's does.
type recorder struct {
	testing.TB
	mu    sync.Mutex
	msgs  []string
	fatal bool
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}

// check runs Check with a recorder and returns what it reported.
func check(t *testing.T, newObj func() any, opts ...Option) string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Check(r, newObj, opts...)
	}()
	<-done
	return strings.Join(r.msgs, "\n")
}

// Good copies deeply.
type Good struct {
	S []string
	M map[string][]int
	P *int
	T time.Time
	N *Good
}

func (in *Good) DeepCopyInto(out *Good) {
	*out = *in
	if in.S != nil {
		out.S = append(make([]string, 0, len(in.S)), in.S...)
	}
	if in.M != nil {
		out.M = make(map[string][]int, len(in.M))
		for k, v := range in.M {
			if v != nil {
				v = append(make([]int, 0, len(v)), v...)
			}
			out.M[k] = v
		}
	}
	if in.P != nil {
		p := *in.P
		out.P = &p
	}
	out.N = in.N.DeepCopy()
}

func (in *Good) DeepCopy() *Good {
	if in == nil {
		return nil
	}
	out := new(Good)
	in.DeepCopyInto(out)
	return out
}

// SharedSlice copies its slice header only.
type SharedSlice struct{ S []string }

func (in *SharedSlice) DeepCopyInto(out *SharedSlice) { *out = *in }
func (in *SharedSlice) DeepCopy() *SharedSlice {
	if in == nil {
		return nil
	}
	out := new(SharedSlice)
	in.DeepCopyInto(out)
	return out
}

// SharedInner copies the map but not the slices in it.
type SharedInner struct{ M map[string][]int }

func (in *SharedInner) DeepCopyInto(out *SharedInner) {
	*out = *in
	if in.M != nil {
		out.M = make(map[string][]int, len(in.M))
		for k, v := range in.M {
			out.M[k] = v
		}
	}
}
func (in *SharedInner) DeepCopy() *SharedInner {
	if in == nil {
		return nil
	}
	out := new(SharedInner)
	in.DeepCopyInto(out)
	return out
}

// EmptyToNil turns an empty slice into nil, which is not a faithful copy.
type EmptyToNil struct{ S []string }

func (in *EmptyToNil) DeepCopyInto(out *EmptyToNil) {
	*out = *in
	out.S = append([]string(nil), in.S...)
}
func (in *EmptyToNil) DeepCopy() *EmptyToNil {
	if in == nil {
		return nil
	}
	out := new(EmptyToNil)
	in.DeepCopyInto(out)
	return out
}

// Obj's DeepCopyObject returns an interface holding a nil pointer for a nil receiver.
type Obj struct{ Name string }

type object interface{ DeepCopyObject() object }

func (in *Obj) DeepCopyInto(out *Obj) { *out = *in }
func (in *Obj) DeepCopy() *Obj {
	if in == nil {
		return nil
	}
	out := new(Obj)
	in.DeepCopyInto(out)
	return out
}
func (in *Obj) DeepCopyObject() object { return in.DeepCopy() }

// Same returns its receiver.
type Same struct{ N int }

func (in *Same) DeepCopyInto(out *Same) { *out = *in }
func (in *Same) DeepCopy() *Same        { return in }

// Labels is a named map whose copy shares the map.
type Labels map[string]string

func (in Labels) DeepCopyInto(out *Labels) { *out = in }
func (in Labels) DeepCopy() Labels {
	if in == nil {
		return nil
	}
	var out Labels
	in.DeepCopyInto(&out)
	return out
}

// Holder holds an interface whose value its copy shares.
type Holder struct{ V fmt.Stringer }

type name struct{ N []string }

func (n *name) String() string { return strings.Join(n.N, ",") }

func (in *Holder) DeepCopyInto(out *Holder) { *out = *in }
func (in *Holder) DeepCopy() *Holder {
	if in == nil {
		return nil
	}
	out := new(Holder)
	in.DeepCopyInto(out)
	return out
}

// NoMethods has no deep-copy methods.
type NoMethods struct{ S []string }

func TestCheck(t *testing.T) {
	fillName := Fill(func(r *rand.Rand) fmt.Stringer {
		n := new(name)
		Randomize(n, r.Uint64())
		return n
	})
	tests := []struct {
		name   string
		newObj func() any
		opts   []Option
		want   []string // substrings of the report; none means Check must pass
	}{
		{name: "deep copy", newObj: New[Good]()},
		{
			name:   "shared slice",
			newObj: New[SharedSlice](),
			want:   []string{"deepcopytest.SharedSlice.DeepCopy (seed 1, all fields set): changing the copy at deepcopytest.SharedSlice.S[0] changed the original"},
		},
		{
			name:   "shared slice in a map",
			newObj: New[SharedInner](),
			want:   []string{"changing the copy at deepcopytest.SharedInner.M[", "][0] changed the original"},
		},
		{
			name:   "empty slice copied as nil",
			newObj: New[EmptyToNil](),
			want:   []string{"the copy differs from the original (-original +copy)", "S: []string{}", "S: nil"},
		},
		{
			name:   "typed nil from DeepCopyObject",
			newObj: New[Obj](),
			want:   []string{"DeepCopyObject of a nil *deepcopytest.Obj returned an interface holding a nil pointer"},
		},
		{name: "receiver returned", newObj: New[Same](), want: []string{"Same.DeepCopy (seed 0, zero value): returned its receiver"}},
		{
			name:   "shared named map",
			newObj: New[Labels](),
			want:   []string{"changing the copy at deepcopytest.Labels[", "changed the original"},
		},
		{
			name:   "shared interface value",
			newObj: New[Holder](),
			opts:   []Option{fillName},
			want:   []string{"changing the copy at deepcopytest.Holder.V.N[0] changed the original"},
		},
		{name: "no methods", newObj: New[NoMethods](), want: []string{"deepcopytest.NoMethods: no DeepCopy method; run deepcopy-gen"}},
		{name: "not a pointer", newObj: func() any { return Good{} }, want: []string{"newObj must return a non-nil pointer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, tt.newObj, tt.opts...)
			if len(tt.want) == 0 && got != "" {
				t.Errorf("Check reported failures for a correct type:\n%s", got)
			}
			if len(tt.want) > 0 && got == "" {
				t.Errorf("Check passed; want a failure containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("report does not contain %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestRandomize(t *testing.T) {
	var a, b, c Good
	Randomize(&a, 7)
	Randomize(&b, 7)
	Randomize(&c, 8)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different values (-first +second):\n%s", diff)
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds made the same value")
	}
	// Every field is set, and recursion stops.
	if len(a.S) == 0 || len(a.M) == 0 || a.P == nil || a.T.IsZero() || a.N == nil || a.N.N == nil || a.N.N.N != nil {
		t.Errorf("Randomize left fields unset or recursed too deep: %+v", a)
	}
}
