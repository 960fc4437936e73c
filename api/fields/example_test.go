package fields_test

import (
	"fmt"

	"github.com/skiff-io/skiff/api/fields"
)

func Example() {
	sel, err := fields.ParseSelector("status.phase!=Running,spec.nodeName=node-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	pod := fields.Set{"status.phase": "Pending", "spec.nodeName": "node-1"}
	fmt.Println(sel.Matches(pod), sel)

	if node, ok := sel.RequiresExactMatch("spec.nodeName"); ok {
		fmt.Println("only pods on", node)
	}

	fmt.Println(fields.OneTermEqualSelector("metadata.name", "a,b"))

	_, err = fields.ParseSelector(`metadata.name=a,b`)
	fmt.Println(err)
	_, err = fields.ParseSelector(`metadata.name=a\b`)
	fmt.Println(err)
	// Output:
	// true spec.nodeName=node-1,status.phase!=Running
	// only pods on node-1
	// metadata.name=a\,b
	// invalid selector: 'metadata.name=a,b'; can't understand 'b'
	// invalid field selector: invalid escape sequence: \b (in term 'metadata.name=a\b')
}
