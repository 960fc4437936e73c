package deepcopytest

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Option changes how Check and Randomize make values.
type Option func(*config)

type config struct {
	fillers    map[reflect.Type]func(*rand.Rand) reflect.Value
	iterations int
}

func newConfig(opts []Option) *config {
	c := &config{fillers: map[reflect.Type]func(*rand.Rand) reflect.Value{}, iterations: 20}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Fill makes every value of type T with fill, instead of setting T's exported fields one by one. Use it for
// types whose unexported fields matter, which Check cannot set, and for interface types, which Check
// otherwise leaves nil. fill must return the same value for the same random sequence, and should return
// different values for different ones: to change a T in a copy, Check replaces it with a new value (for
// interfaces and pointers, Check changes what they point at instead).
func Fill[T any](fill func(r *rand.Rand) T) Option {
	typ := reflect.TypeFor[T]()
	return func(c *config) {
		c.fillers[typ] = func(r *rand.Rand) reflect.Value {
			v := fill(r)
			return reflect.ValueOf(&v).Elem()
		}
	}
}

// Iterations sets how many values Check copies; the default is 20. The first is the zero value.
func Iterations(n int) Option {
	return func(c *config) { c.iterations = max(n, 1) }
}

// New returns a newObj function for Check that makes a new zero T.
func New[T any]() func() any {
	return func() any { return new(T) }
}

// Randomize sets every exported field reachable from ptr, a non-nil pointer, to non-zero random data
// chosen by seed: the same seed gives the same value. Slices and maps get one to three elements. Recursive
// types stop after two levels; channels, functions and interfaces without a Fill option stay nil.
func Randomize(ptr any, seed uint64, opts ...Option) {
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		panic(fmt.Sprintf("deepcopytest.Randomize: want a non-nil pointer, got %T", ptr))
	}
	newFiller(newConfig(opts), seed, false).fill(v.Elem())
}

// mode says how a test value is filled.
type mode int

const (
	zero   mode = iota // the zero value
	full               // every field non-zero, every slice and map non-empty
	sparse             // fields randomly zero, nil or empty
)

func (m mode) String() string {
	return [...]string{"zero value", "all fields set", "some fields nil, empty or zero"}[m]
}

// copier copies the value orig points at with one of the deep-copy methods, returning a pointer to the copy.
type copier struct {
	method string
	copy   func(orig reflect.Value, seed uint64) (reflect.Value, error)
}

// Check reports, through t, whether the DeepCopy methods of the type newObj makes copy deeply. newObj
// must return a new pointer to a zero value each time it is called, such as New[core.Pod]().
//
// For several random values (see Randomize), Check copies the value with DeepCopy, with DeepCopyInto
// (into a value already holding other data) and, when the type has it, with DeepCopyObject. Each copy
// must be reflect.DeepEqual to the original; then every field reachable in the copy is changed, and the
// original must not change. It also checks that DeepCopy and DeepCopyObject of a nil pointer return nil
// (for DeepCopyObject, a nil interface rather than one holding a nil pointer). Check stops at the first
// failure, naming the method, the random seed and the path of the field that is shared.
func Check(t testing.TB, newObj func() any, opts ...Option) {
	t.Helper()
	c := newConfig(opts)
	proto := reflect.ValueOf(newObj())
	if proto.Kind() != reflect.Pointer || proto.IsNil() {
		t.Fatalf("deepcopytest.Check: newObj must return a non-nil pointer to a zero value, such as new(core.Pod); got %v", proto.Type())
	}
	ptrType := proto.Type()
	typ := ptrType.Elem()
	name := typ.String()

	copiers, err := methods(ptrType, c)
	if err != nil {
		t.Fatalf("deepcopytest.Check: %s: %v", name, err)
	}
	if err := checkNil(ptrType); err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}

	for i := 0; i < c.iterations; i++ {
		seed := uint64(i)
		m := full
		switch {
		case i == 0:
			m = zero
		case i%2 == 0:
			m = sparse
		}
		orig, pristine := c.make(typ, seed, m), c.make(typ, seed, m)
		if !reflect.DeepEqual(orig.Interface(), pristine.Interface()) {
			t.Fatalf("deepcopytest.Check: %s: two values made from seed %d differ, so changes cannot be detected; is a Fill function not deterministic?", name, seed)
		}
		for _, cp := range copiers {
			copied, err := cp.copy(orig, seed)
			if err != nil {
				t.Errorf("%s.%s (seed %d, %v): %v", name, cp.method, seed, m, err)
				return
			}
			if !reflect.DeepEqual(orig.Interface(), copied.Interface()) {
				t.Errorf("%s.%s (seed %d, %v): the copy differs from the original (-original +copy):\n%s",
					name, cp.method, seed, m, diff(orig.Interface(), copied.Interface()))
				return
			}
			newMutator(c, nil).mutate(copied.Elem(), name)
			if reflect.DeepEqual(orig.Interface(), pristine.Interface()) {
				continue
			}
			// Something is shared. Do it again one field at a time to say which.
			orig, pristine = c.make(typ, seed, m), c.make(typ, seed, m)
			copied, _ = cp.copy(orig, seed)
			at := "an unknown field (the original changed only when all fields of the copy were changed)"
			newMutator(c, func(path string) bool {
				if reflect.DeepEqual(orig.Interface(), pristine.Interface()) {
					return true
				}
				at = path
				return false
			}).mutate(copied.Elem(), name)
			t.Errorf("%s.%s (seed %d, %v): changing the copy at %s changed the original: the copy shares memory with it",
				name, cp.method, seed, m, at)
			return
		}
	}
}

// methods finds the deep-copy methods of ptrType's element type.
func methods(ptrType reflect.Type, c *config) ([]copier, error) {
	typ := ptrType.Elem()
	dc, ok := ptrType.MethodByName("DeepCopy")
	if !ok {
		return nil, fmt.Errorf("no DeepCopy method; run deepcopy-gen in its package")
	}
	if dc.Type.NumIn() != 1 || dc.Type.NumOut() != 1 || (dc.Type.Out(0) != ptrType && dc.Type.Out(0) != typ) {
		return nil, fmt.Errorf("DeepCopy is %v, want func() %v or func() %v", dc.Type, ptrType, typ)
	}
	dci, ok := ptrType.MethodByName("DeepCopyInto")
	if !ok {
		return nil, fmt.Errorf("no DeepCopyInto method; run deepcopy-gen in its package")
	}
	if dci.Type.NumIn() != 2 || dci.Type.In(1) != ptrType || dci.Type.NumOut() != 0 {
		return nil, fmt.Errorf("DeepCopyInto is %v, want func(%v)", dci.Type, ptrType)
	}
	copiers := []copier{
		{"DeepCopy", func(orig reflect.Value, _ uint64) (reflect.Value, error) {
			r := dc.Func.Call([]reflect.Value{orig})[0]
			if r.Type() == typ { // maps and slices return themselves, not a pointer
				p := reflect.New(typ)
				p.Elem().Set(r)
				return p, nil
			}
			if r.IsNil() {
				return r, fmt.Errorf("returned nil for a non-nil receiver")
			}
			if r.Pointer() == orig.Pointer() {
				return r, fmt.Errorf("returned its receiver, not a copy")
			}
			return r, nil
		}},
		{"DeepCopyInto", func(orig reflect.Value, seed uint64) (reflect.Value, error) {
			// Copy over other data, which must not survive.
			out := reflect.New(typ)
			newFiller(c, seed+1<<32, false).fill(out.Elem())
			dci.Func.Call([]reflect.Value{orig, out})
			return out, nil
		}},
	}
	if dco, ok := ptrType.MethodByName("DeepCopyObject"); ok {
		if dco.Type.NumIn() != 1 || dco.Type.NumOut() != 1 || dco.Type.Out(0).Kind() != reflect.Interface {
			return nil, fmt.Errorf("DeepCopyObject is %v, want a func() returning an interface", dco.Type)
		}
		copiers = append(copiers, copier{"DeepCopyObject", func(orig reflect.Value, _ uint64) (reflect.Value, error) {
			r := dco.Func.Call([]reflect.Value{orig})[0]
			if r.IsNil() {
				return r, fmt.Errorf("returned nil for a non-nil receiver")
			}
			e := r.Elem()
			if e.Type() != ptrType {
				return r, fmt.Errorf("returned a %v, want a %v", e.Type(), ptrType)
			}
			if e.Pointer() == orig.Pointer() {
				return r, fmt.Errorf("returned its receiver, not a copy")
			}
			return e, nil
		}})
	}
	return copiers, nil
}

// checkNil checks that copying a nil pointer gives nil. Maps and slices have value receivers; their nil
// values are covered by the zero value Check copies first.
func checkNil(ptrType reflect.Type) error {
	if _, valueReceiver := ptrType.Elem().MethodByName("DeepCopy"); valueReceiver {
		return nil
	}
	nilPtr := reflect.Zero(ptrType)
	dc, _ := ptrType.MethodByName("DeepCopy")
	if r := dc.Func.Call([]reflect.Value{nilPtr})[0]; !r.IsNil() {
		return fmt.Errorf("DeepCopy of a nil %v returned a non-nil value", ptrType)
	}
	if dco, ok := ptrType.MethodByName("DeepCopyObject"); ok {
		if r := dco.Func.Call([]reflect.Value{nilPtr})[0]; !r.IsNil() {
			return fmt.Errorf("DeepCopyObject of a nil %v returned an interface holding a nil pointer; it must return a nil interface, or callers' `obj == nil` checks fail", ptrType)
		}
	}
	return nil
}

// make returns a pointer to a new value of typ filled according to m.
func (c *config) make(typ reflect.Type, seed uint64, m mode) reflect.Value {
	p := reflect.New(typ)
	if m != zero {
		newFiller(c, seed, m == sparse).fill(p.Elem())
	}
	return p
}

// diff describes how want and got differ, for failure messages.
func diff(want, got any) (s string) {
	defer func() {
		if recover() != nil { // cmp cannot handle some types; fall back to printing both
			s = fmt.Sprintf("original: %+v\ncopy:     %+v", want, got)
		}
	}()
	return cmp.Diff(want, got, cmp.Exporter(func(reflect.Type) bool { return true }))
}

var timeType = reflect.TypeFor[time.Time]()

// filler sets values to random data.
type filler struct {
	c      *config
	r      *rand.Rand
	sparse bool
	// depth counts, for each type being filled, how many times it is on the stack, to end recursive types.
	depth map[reflect.Type]int
}

func newFiller(c *config, seed uint64, sparse bool) *filler {
	return &filler{c: c, r: rand.New(rand.NewPCG(seed, 0x5eed)), sparse: sparse, depth: map[reflect.Type]int{}}
}

// skip decides, in sparse mode, to leave a value zero.
func (f *filler) skip() bool { return f.sparse && f.r.IntN(4) == 0 }

// length returns how many elements a slice or map gets, or -1 for nil.
func (f *filler) length() int {
	if f.sparse {
		switch f.r.IntN(6) {
		case 0, 1:
			return -1
		case 2:
			return 0
		}
	}
	return 1 + f.r.IntN(3)
}

func (f *filler) fill(v reflect.Value) {
	t := v.Type()
	if fn := f.c.fillers[t]; fn != nil {
		if !f.skip() {
			v.Set(fn(f.r))
		}
		return
	}
	if t == timeType {
		if !f.skip() {
			v.Set(reflect.ValueOf(time.Unix(1_500_000_000+f.r.Int64N(500_000_000), 0).UTC()))
		}
		return
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(!f.skip())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if !f.skip() {
			v.SetInt(1 + f.r.Int64N(100))
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if !f.skip() {
			v.SetUint(1 + f.r.Uint64N(100))
		}
	case reflect.Float32, reflect.Float64:
		if !f.skip() {
			v.SetFloat(1 + float64(f.r.IntN(1000))/8)
		}
	case reflect.Complex64, reflect.Complex128:
		if !f.skip() {
			v.SetComplex(complex(1+float64(f.r.IntN(100)), float64(f.r.IntN(100))))
		}
	case reflect.String:
		if !f.skip() {
			b := make([]byte, 1+f.r.IntN(8))
			for i := range b {
				b[i] = 'a' + byte(f.r.IntN(26))
			}
			v.SetString(string(b))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			f.fill(v.Index(i))
		}
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Struct:
		if f.depth[t] >= 2 {
			return
		}
		f.depth[t]++
		defer func() { f.depth[t]-- }()
		f.fillComposite(v)
	}
	// Interfaces without a Fill option, channels and functions stay nil: there is no value to choose.
}

func (f *filler) fillComposite(v reflect.Value) {
	t := v.Type()
	switch t.Kind() {
	case reflect.Slice:
		n := f.length()
		if n < 0 {
			return
		}
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			f.fill(s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		n := f.length()
		if n < 0 {
			return
		}
		m := reflect.MakeMapWithSize(t, n)
		for i := 0; i < n; i++ {
			k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
			f.fill(k)
			f.fill(e)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		if f.sparse && f.r.IntN(3) == 0 {
			return
		}
		p := reflect.New(t.Elem())
		f.fill(p.Elem())
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() {
				f.fill(v.Field(i))
			}
		}
	}
}

// mutator changes every value it can reach, calling visit after each change with the path of the value
// changed; visit returns false to stop.
type mutator struct {
	c     *config
	r     *rand.Rand
	visit func(path string) bool
}

func newMutator(c *config, visit func(string) bool) *mutator {
	if visit == nil {
		visit = func(string) bool { return true }
	}
	return &mutator{c: c, r: rand.New(rand.NewPCG(1<<40, 0xc0b1)), visit: visit}
}

// mutate changes v, which must be settable, and everything reachable from it. It returns false when
// visit asked to stop.
func (m *mutator) mutate(v reflect.Value, path string) bool {
	t := v.Type()
	// A filled type is changed by replacing it, except interfaces and pointers: replacing those would leave
	// what they point at, which the original may share, unchanged.
	if fn := m.c.fillers[t]; fn != nil && t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer {
		v.Set(fn(m.r))
		return m.visit(path)
	}
	if t == timeType {
		v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Hour)))
		return m.visit(path)
	}
	switch t.Kind() {
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(v.Uint() + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Complex64, reflect.Complex128:
		v.SetComplex(v.Complex() + 1)
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Array, reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if !m.mutate(v.Index(i), fmt.Sprintf("%s[%d]", path, i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		for _, k := range v.MapKeys() {
			kp := fmt.Sprintf("%s[%#v]", path, k.Interface())
			// Map values cannot be changed in place: change a copy and store it back, which also shows
			// whether the map itself is shared.
			e := reflect.New(t.Elem()).Elem()
			e.Set(v.MapIndex(k))
			if !m.mutate(e, kp) {
				return false
			}
			v.SetMapIndex(k, e)
			if !m.visit(kp) {
				return false
			}
		}
		return true
	case reflect.Pointer:
		if v.IsNil() {
			return true
		}
		return m.mutate(v.Elem(), path)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() && !m.mutate(v.Field(i), path+"."+t.Field(i).Name) {
				return false
			}
		}
		return true
	case reflect.Interface:
		if v.IsNil() {
			return true
		}
		e := v.Elem()
		if e.Kind() == reflect.Pointer && !e.IsNil() {
			return m.mutate(e.Elem(), path)
		}
		c := reflect.New(e.Type()).Elem()
		c.Set(e)
		if !m.mutate(c, path) {
			return false
		}
		v.Set(c)
	default:
		return true // channels and functions
	}
	return m.visit(path)
}
