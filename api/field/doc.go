// Package field describes where in an object something is wrong: a Path ("spec.containers[0].image")
// and validation Errors that name it, in the form Kubernetes returns in a 422 Status.
//
//	p := field.NewPath("spec", "containers").Index(0).Child("name")
//	var errs field.ErrorList
//	errs = append(errs, field.Required(p, ""))
//	fmt.Println(errs.ToAggregate()) // spec.containers[0].name: Required value
package field
