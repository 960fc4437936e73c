// Package resource holds Quantity, the exact fixed-point number Kubernetes uses for amounts of
// resources: "250m" of CPU, "1.5Gi" of memory, "2e3" of anything. Its grammar, canonical form and
// JSON are Kubernetes' own: whatever Kubernetes accepts parses to the same amount and Format, and
// prints in the canonical form Kubernetes prints. The code does not depend on apimachinery.
//
// Amounts are never floats. Ordinary values live in an int64 with a power of ten and need no
// allocation to parse, compare or add; anything larger falls back to math/big without losing a
// digit.
//
//	req := resource.MustParse("250m")
//	limit, err := resource.ParseQuantity("1.5")
//	if err != nil {
//		return err // a *ParseError: errors.Is(err, resource.ErrFormatWrong), ErrSuffix or ErrNumeric
//	}
//	if req.Cmp(limit) > 0 {
//		return fmt.Errorf("request %s exceeds limit %s", req, limit)
//	}
//	total := req
//	total.Add(limit)
//	fmt.Println(total, total.MilliValue()) // 1750m 1750
package resource
