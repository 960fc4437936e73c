// Package initialization is the admission plugin behind initializers (the seed's section 4): on
// create, it gives an object the pending initializers that InitializerConfigurations name for its
// resource. The API server then keeps the object hidden from get, list and watch (unless a client
// asks with ?includeUninitialized=true) until each initializer has done its work and removed
// itself; then watchers see it ADDED.
//
//	plugin := initialization.New(func(ctx context.Context) ([]*admissionregistration.InitializerConfiguration, error) {
//		return configsFromTheStore(ctx)
//	})
//	cfg.Admission = admission.Chain{plugin, ...}
package initialization
