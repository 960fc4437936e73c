package informer

import (
	"context"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// Watch is a running watch: *client.Watch is one.
type Watch[T meta.Object] interface {
	Events() <-chan client.Event[T]
	Stop()
}

// Source lists and watches the objects of one kind. FromResource makes one of a typed client;
// tests wrap one to drop or delay events (informertest).
type Source[T meta.Object] interface {
	List(ctx context.Context, opts client.ListOptions) (*meta.List[T], error)
	Watch(ctx context.Context, opts client.ListOptions) (Watch[T], error)
}

// FromResource returns a Source over a typed client, narrowed by tweak (a label or field selector,
// for example) when tweak is not nil.
func FromResource[T meta.Object](r *client.Resource[T], tweak func(*client.ListOptions)) Source[T] {
	return &resourceSource[T]{r: r, tweak: tweak}
}

type resourceSource[T meta.Object] struct {
	r     *client.Resource[T]
	tweak func(*client.ListOptions)
}

func (s *resourceSource[T]) List(ctx context.Context, opts client.ListOptions) (*meta.List[T], error) {
	if s.tweak != nil {
		s.tweak(&opts)
	}
	return s.r.List(ctx, opts)
}

func (s *resourceSource[T]) Watch(ctx context.Context, opts client.ListOptions) (Watch[T], error) {
	if s.tweak != nil {
		s.tweak(&opts)
	}
	w, err := s.r.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	return w, nil
}
