// Package fields matches objects by the values of some of their fields, the way Kubernetes
// field selectors (the fieldSelector query parameter, kubectl's --field-selector) do.
//
// A field selector is a comma-separated list of "field=value", "field==value" or
// "field!=value" terms, all of which must hold. Unlike label selectors there are no set
// operators, and values are free text: a backslash escapes ',', '=' and '\' in them
// (see EscapeValue). Which fields may be selected on is up to each kind of object; a server
// checks and renames them with Selector.Transform.
//
//	sel, err := fields.ParseSelector("status.phase!=Running,spec.nodeName=node-1")
//	if err != nil {
//		return err // e.g. invalid selector: 'a'; can't understand 'a'
//	}
//	pod := fields.Set{"status.phase": "Pending", "spec.nodeName": "node-1"}
//	fmt.Println(sel.Matches(pod)) // true
//	if node, ok := sel.RequiresExactMatch("spec.nodeName"); ok {
//		fmt.Println("only pods on", node) // use an index rather than a scan
//	}
//	byName := fields.OneTermEqualSelector("metadata.name", "a,b") // a literal value
//	fmt.Println(byName) // metadata.name=a\,b
package fields
