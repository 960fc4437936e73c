// Package deepcopytest proves that DeepCopy methods copy deeply: that a copy equals its original, and
// that changing any part of the copy leaves the original as it was.
//
// Check fills a value with random data (every exported field set, every slice and map non-empty, or
// in some rounds randomly nil, empty or zero), copies it with DeepCopy, DeepCopyInto and, for API
// objects, DeepCopyObject, then changes every field it can reach in the copy, one after another, and
// reports the first whose change shows through in the original. Every API package runs it over all
// its types:
//
//	func TestDeepCopy(t *testing.T) {
//		for _, newObj := range []func() any{
//			deepcopytest.New[core.Pod](),
//			deepcopytest.New[core.PodSpec](),
//			deepcopytest.New[core.ResourceList](),
//		} {
//			deepcopytest.Check(t, newObj)
//		}
//	}
//
// Check sets exported fields only. A type whose unexported fields matter, such as a quantity, and an
// interface type, which Check otherwise leaves nil, get their values from a Fill option:
//
//	deepcopytest.Check(t, deepcopytest.New[core.Container](),
//		deepcopytest.Fill(func(r *rand.Rand) resource.Quantity { return resource.MustParse(strconv.Itoa(1 + r.IntN(64))) }))
package deepcopytest
