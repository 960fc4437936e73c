// Package podsecurity is Kubernetes' PodSecurity admission plugin: pods are held to the Pod
// Security Standard (privileged, baseline or restricted) their namespace's labels choose, in three
// modes, each with its own label:
//
//   - pod-security.kubernetes.io/enforce refuses a violating pod with Kubernetes' message,
//     `pods "x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation !=
//     false (container "c" must set securityContext.allowPrivilegeEscalation=false), ...`;
//   - pod-security.kubernetes.io/warn admits it and hands `would violate PodSecurity ...` to
//     warning.Add (or Options.Warnings), which the API server turns into a Warning header;
//   - pod-security.kubernetes.io/audit admits it and records the violations in the audit event
//     (audit.Annotate, key pod-security.kubernetes.io/audit-violations).
//
// The checks are those of the latest standards (Kubernetes 1.37): baseline forbids host
// namespaces, privileged containers, capabilities beyond the default set, hostPath volumes, host
// ports, probe and hook hosts, AppArmor and SELinux overrides, unmasked /proc, Unconfined seccomp,
// unsafe sysctls and Windows host processes; restricted adds the allowed volume types,
// runAsNonRoot, runAsUser != 0, allowPrivilegeEscalation=false, dropping ALL capabilities (adding
// only NET_BIND_SERVICE) and a RuntimeDefault or Localhost seccomp profile. The -version labels are
// read and shown, but every version is evaluated as latest. Pod templates of controllers (warnings
// on Deployments and the like) are not evaluated.
//
//	plugin := podsecurity.New(st, podsecurity.Options{})
//	// with namespace "team-a" labelled pod-security.kubernetes.io/enforce: restricted
//	err := plugin.Validate(ctx, &admission.Attributes{Operation: admission.Create,
//		Resource: "pods", Namespace: "team-a", Name: "web", Object: pod})
//	// err: pods "web" is forbidden: violates PodSecurity "restricted:latest": ...
package podsecurity
