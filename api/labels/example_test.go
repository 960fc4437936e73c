package labels_test

import (
	"fmt"

	"github.com/skiff-io/skiff/api/labels"
)

func Example() {
	sel, err := labels.Parse("app=web, tier in (frontend,edge), !canary")
	if err != nil {
		fmt.Println(err)
		return
	}
	pod := labels.Set{"app": "web", "tier": "edge"}
	fmt.Println(sel.Matches(pod), sel)

	req, _ := labels.NewRequirement("release", labels.GreaterThan, []string{"3"})
	sel = sel.Add(*req)
	fmt.Println(sel.Matches(pod), sel)

	_, err = labels.Parse("tier in frontend")
	fmt.Println(err)
	// Output:
	// true app=web,!canary,tier in (edge,frontend)
	// false app=web,!canary,release>3,tier in (edge,frontend)
	// unable to parse requirement: found 'frontend', expected: '(' (at offset 8)
}
