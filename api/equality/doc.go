// Package equality compares API values the way the API means them, as Kubernetes' apiequality.Semantic
// does: quantities by amount ("1" equals "1000m"), times by instant, and a nil slice or map as equal to
// an empty one. Update validation uses it to tell which fields really changed.
//
//	a, b := resource.MustParse("1"), resource.MustParse("1000m")
//	equality.DeepEqual(a, b) // true
package equality
