package resource_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skiff-io/skiff/api/resource"
)

func Example() {
	req := resource.MustParse("250m")
	limit, err := resource.ParseQuantity("1.5")
	if err != nil {
		panic(err)
	}
	if req.Cmp(limit) < 0 {
		fmt.Println(req, "fits in", limit)
	}
	total := req
	total.Add(limit)
	fmt.Println(total, total.MilliValue(), total.Value())
	// Output:
	// 250m fits in 1500m
	// 1750m 1750 2
}

func ExampleParseQuantity() {
	for _, s := range []string{"0.5Gi", "1024Mi", "1000", "2e3", "1.1Ki", "1.5.5"} {
		q, err := resource.ParseQuantity(s)
		if errors.Is(err, resource.ErrFormatWrong) {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s -> %s (%s)\n", s, q, q.Format)
	}
	// Output:
	// 0.5Gi -> 512Mi (BinarySI)
	// 1024Mi -> 1Gi (BinarySI)
	// 1000 -> 1k (DecimalSI)
	// 2e3 -> 2e3 (DecimalExponent)
	// 1.1Ki -> 1126400m (BinarySI)
	// resource: quantity "1.5.5" is not a number with an optional suffix, such as 100m, 1.5Gi or 2e3
}

func ExampleQuantity_MarshalJSON() {
	var limits map[string]resource.Quantity
	if err := json.Unmarshal([]byte(`{"cpu": 0.5, "memory": "1.5Gi"}`), &limits); err != nil {
		panic(err)
	}
	out, _ := json.Marshal(limits)
	fmt.Println(string(out))
	// Output: {"cpu":"500m","memory":"1536Mi"}
}
