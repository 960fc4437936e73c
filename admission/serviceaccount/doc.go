// Package serviceaccount is Kubernetes' ServiceAccount admission plugin. On pod create it
//
//   - sets spec.serviceAccountName to "default" when the pod names none (reading the deprecated
//     spec.serviceAccount first, and mirroring the result back into it, as Kubernetes' conversion
//     does);
//   - requires the service account to exist, waiting up to about two seconds for "default", which
//     the service account controller creates shortly after its namespace;
//   - unless the pod or the service account sets automountServiceAccountToken to false, adds the
//     projected volume kube-api-access-<5 random characters> (a bound token that expires after
//     3607 seconds, the kube-root-ca.crt ConfigMap's ca.crt, and the namespace from the downward
//     API) and mounts it read-only at /var/run/secrets/kubernetes.io/serviceaccount in every init
//     container and container that has nothing mounted there;
//   - copies the service account's imagePullSecrets to a pod that has none;
//   - and, for service accounts annotated kubernetes.io/enforce-mountable-secrets=true, refuses
//     pods that use secrets the account does not list. Mirror pods may use neither service
//     accounts nor secrets.
//
// Pods only: Kubernetes leaves the pod templates of controllers to their pods.
//
//	plugin := serviceaccount.New(st, serviceaccount.Options{Clock: clk})
//	a := &admission.Attributes{Operation: admission.Create, Resource: "pods", Namespace: "ns", Object: pod}
//	if err := plugin.Admit(ctx, a); err != nil {
//		// pods "web" is forbidden: error looking up service account ns/builder: serviceaccount "builder" not found
//		return err
//	}
//	// pod.Spec.Volumes ends with kube-api-access-xxxxx, every container mounts it
package serviceaccount
