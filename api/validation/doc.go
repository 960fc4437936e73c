// Package validation holds the checks every kind shares: DNS-1123 names and subdomains, qualified
// names and label values, ports, environment variable names, and ObjectMeta. Each Is* function returns
// the reasons a value is bad, worded as Kubernetes words them, or nil when it is good.
//
//	for _, msg := range validation.IsDNS1123Subdomain("My_Name") {
//		errs = append(errs, field.Invalid(path, "My_Name", msg))
//	}
package validation
