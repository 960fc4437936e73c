// Package intstr holds IntOrString, the API field that takes either a number or a string, with
// Kubernetes' JSON form: a bare number or a string. Ports, probes and rollout settings use it
// ("targetPort: 8080" or "targetPort: http", "maxSurge: 1" or "maxSurge: 25%").
//
// GetScaledValueFromIntOrPercent turns an integer or a percentage into a count the way the
// Deployment controller does:
//
//	maxSurge := intstr.FromString("25%")
//	surge, err := intstr.GetScaledValueFromIntOrPercent(&maxSurge, 10, true) // rounds up
//	if err != nil {
//		return err // errors.Is(err, intstr.ErrNotPercent) for "25" or "abc%"
//	}
//	maxUnavailable := intstr.FromInt32(2)
//	unavailable, _ := intstr.GetScaledValueFromIntOrPercent(&maxUnavailable, 10, false)
//	fmt.Println(surge, unavailable) // 3 2
//	port := intstr.Parse("http") // a number would give an Int
//	fmt.Println(port.Type == intstr.String, port) // true http
package intstr
