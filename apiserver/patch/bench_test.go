package patch

import (
	"testing"
	"time"
)

// benchDeployment is a realistic Deployment of about 2 KiB, as kube-apiserver stores it.
const benchDeployment = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"checkout","namespace":"shop",` +
	`"uid":"6a1f7c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b","resourceVersion":"482913","generation":7,` +
	`"creationTimestamp":"2024-05-01T10:00:00Z","labels":{"app":"checkout","tier":"backend","team":"payments"},` +
	`"annotations":{"deployment.kubernetes.io/revision":"7"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"checkout"}},` +
	`"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},"revisionHistoryLimit":10,` +
	`"progressDeadlineSeconds":600,"template":{"metadata":{"labels":{"app":"checkout","tier":"backend"}},"spec":{` +
	`"containers":[{"name":"checkout","image":"registry.example.com/shop/checkout:1.42.0","args":["--port=8080","--log-level=info"],` +
	`"ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090,"protocol":"TCP"}],` +
	`"env":[{"name":"DB_HOST","value":"postgres.shop.svc"},{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"checkout-db","key":"password"}}},` +
	`{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}],` +
	`"resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"cpu":"1","memory":"512Mi"}},` +
	`"volumeMounts":[{"name":"config","mountPath":"/etc/checkout","readOnly":true},{"name":"tmp","mountPath":"/tmp"}],` +
	`"livenessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"periodSeconds":10,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},` +
	`"readinessProbe":{"httpGet":{"path":"/ready","port":"http","scheme":"HTTP"},"periodSeconds":5,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},` +
	`"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent",` +
	`"securityContext":{"runAsNonRoot":true,"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false}},` +
	`{"name":"envoy","image":"envoyproxy/envoy:v1.30.1","ports":[{"name":"admin","containerPort":9901,"protocol":"TCP"}],` +
	`"resources":{"requests":{"cpu":"50m","memory":"64Mi"}},"terminationMessagePath":"/dev/termination-log",` +
	`"terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],` +
	`"volumes":[{"name":"config","configMap":{"name":"checkout","defaultMode":420}},{"name":"tmp","emptyDir":{}}],` +
	`"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"checkout",` +
	`"serviceAccount":"checkout","securityContext":{"fsGroup":2000},"schedulerName":"default-scheduler",` +
	`"tolerations":[{"key":"dedicated","operator":"Equal","value":"shop","effect":"NoSchedule"}]}}},` +
	`"status":{"observedGeneration":7,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3}}`

func BenchmarkStrategicMergePatch(b *testing.B) {
	schema := deploymentSchema(b)
	doc := []byte(benchDeployment)
	// kubectl set image deployment/checkout checkout=registry.example.com/shop/checkout:1.43.0
	p := []byte(`{"spec":{"template":{"spec":{"containers":[{"image":"registry.example.com/shop/checkout:1.43.0","name":"checkout"}]}}}}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := StrategicMergePatch(doc, p, schema); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMergePatch(b *testing.B) {
	doc := []byte(benchDeployment)
	// kubectl label deployment checkout canary=true
	p := []byte(`{"metadata":{"labels":{"canary":"true"}}}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MergePatch(doc, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONPatch(b *testing.B) {
	doc := []byte(benchDeployment)
	p := []byte(`[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":5}]`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := JSONPatch(doc, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApply re-applies a manifest that changes the image to a Deployment created by an earlier
// apply of the same manifest: merge, ownership, pruning, conflict check and managedFields encoding.
func BenchmarkApply(b *testing.B) {
	schema := deploymentSchema(b)
	fm := FieldManager{Schema: schema, Now: func() time.Time { return clockAt(0) }}
	manifest := func(image string) []byte {
		return []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels: {app: checkout, tier: backend, team: payments}
spec:
  replicas: 3
  selector:
    matchLabels: {app: checkout}
  template:
    metadata:
      labels: {app: checkout, tier: backend}
    spec:
      serviceAccountName: checkout
      containers:
      - name: checkout
        image: ` + image + `
        args: [--port=8080, --log-level=info]
        ports:
        - {name: http, containerPort: 8080}
        - {name: metrics, containerPort: 9090}
        env:
        - {name: DB_HOST, value: postgres.shop.svc}
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: checkout-db, key: password}}
        resources:
          requests: {cpu: 250m, memory: 256Mi}
          limits: {cpu: "1", memory: 512Mi}
        volumeMounts:
        - {name: config, mountPath: /etc/checkout, readOnly: true}
      - name: envoy
        image: envoyproxy/envoy:v1.30.1
      volumes:
      - name: config
        configMap: {name: checkout}
`)
	}
	live, err := fm.Apply(nil, manifest("registry.example.com/shop/checkout:1.42.0"), "kubectl", false)
	if err != nil {
		b.Fatal(err)
	}
	next := manifest("registry.example.com/shop/checkout:1.43.0")
	b.SetBytes(int64(len(live)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fm.Apply(live, next, "kubectl", false); err != nil {
			b.Fatal(err)
		}
	}
}
