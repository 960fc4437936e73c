// Package apierrors builds the errors the Kubernetes API returns, as *meta.Status values with the
// HTTP code, reason, message and details Kubernetes gives them (kubectl prints them as
// `Error from server (<Reason>): <message>`), and tells them apart on the client side.
//
//	err := apierrors.NewNotFound(api.GroupResource{Resource: "pods"}, "nginx")
//	fmt.Println(err)                     // pods "nginx" not found
//	fmt.Println(apierrors.IsNotFound(err)) // true
//	st := apierrors.StatusOf(err)         // the body to send: code 404, reason NotFound
package apierrors
