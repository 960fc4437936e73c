package store

import (
	"context"
	"fmt"

	"github.com/skiff-io/skiff/api/meta"
)

// GetAs reads the object at key as a T. The object is the store's own: shared and read-only.
func GetAs[T meta.Object](ctx context.Context, r Reader, key string) (T, error) {
	var zero T
	obj, err := r.Get(ctx, key)
	if err != nil {
		return zero, err
	}
	t, ok := obj.(T)
	if !ok {
		return zero, &OpError{Err: ErrInvalidObject, Key: key, Detail: fmt.Sprintf("holds a %T, not a %T", obj, zero)}
	}
	return t, nil
}

// ListAs lists the objects under prefix as Ts, with the revision of the list. Objects of another
// type under the prefix are an error. The objects are the store's own: shared and read-only.
func ListAs[T meta.Object](ctx context.Context, r Reader, prefix string, opts ListOptions) ([]T, int64, error) {
	res, err := r.List(ctx, prefix, opts)
	if err != nil {
		return nil, 0, err
	}
	out := make([]T, 0, len(res.Items))
	for _, o := range res.Items {
		t, ok := o.(T)
		if !ok {
			var zero T
			return nil, 0, &OpError{Err: ErrInvalidObject, Key: prefix, Detail: fmt.Sprintf("holds a %T, not a %T", o, zero)}
		}
		out = append(out, t)
	}
	return out, res.Revision, nil
}
