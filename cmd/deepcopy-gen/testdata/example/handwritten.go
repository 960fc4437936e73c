package example

// Handle holds a function, which deepcopy-gen cannot copy, so it is marked and copied by hand.
//
// +skiff:deepcopy=false
type Handle struct {
	ID string
	// Run is shared by copies: a function value cannot be changed through it.
	Run func() error
}

// DeepCopyInto copies the receiver into out.
func (in *Handle) DeepCopyInto(out *Handle) { *out = *in }

// Secret has a hand-written DeepCopyInto; deepcopy-gen adds only DeepCopy.
type Secret struct {
	data []byte
	Keys []string
}

// DeepCopyInto copies the receiver into out.
func (in *Secret) DeepCopyInto(out *Secret) {
	*out = *in
	if in.data != nil {
		out.data = append([]byte(nil), in.data...)
	}
	if in.Keys != nil {
		out.Keys = append(make([]string, 0, len(in.Keys)), in.Keys...)
	}
}

// use keeps the unexported declarations referenced, for linters.
var _ = hidden{}.p
