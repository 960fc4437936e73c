// Package storetest is the conformance suite every store backend passes: create, get, list with
// pagination that reads one revision, optimistic concurrency under many goroutines, guaranteed
// updates, deletes with preconditions, watches in revision order (from a revision, from the current
// state, filtered, slow consumers, too-old revisions, bookmarks) and, for backends that persist,
// restarts.
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			New: func(t *testing.T, codec store.Codec) store.Store {
//				s, err := mybackend.Open(mybackend.Options{Codec: codec})
//				if err != nil {
//					t.Fatal(err)
//				}
//				return s
//			},
//			TooOld: func(t *testing.T, s store.Store, prefix string) int64 { ... },
//		})
//	}
package storetest
