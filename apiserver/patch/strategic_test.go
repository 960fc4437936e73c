package patch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// webDeployment is a Deployment as kube-apiserver stores it after kubectl apply.
const webDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {app: web}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.22
        ports:
        - {containerPort: 80, name: http, protocol: TCP}
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
        volumeMounts:
        - {name: cache, mountPath: /var/cache/nginx}
      - name: sidecar
        image: envoyproxy/envoy:v1.30
      volumes:
      - name: cache
        emptyDir: {}
      tolerations:
      - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
`

func TestStrategicMergePatchDeployment(t *testing.T) {
	tests := []struct {
		name, patch, want string // want is webDeployment with the changes, in YAML
	}{
		{
			name:  "kubectl set image deployment/web nginx=nginx:1.23",
			patch: `{"spec":{"template":{"spec":{"containers":[{"image":"nginx:1.23","name":"nginx"}]}}}}`,
			want:  `spec.template.spec.containers[0].image: nginx:1.23`,
		},
		{
			name:  "kubectl rollout restart",
			patch: `{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2024-05-01T10:00:00Z"}}}}}`,
			want:  `spec.template.metadata.annotations: {kubectl.kubernetes.io/restartedAt: "2024-05-01T10:00:00Z"}`,
		},
		{
			// kubectl apply -f web.yaml after raising replicas, bumping nginx, setting C and
			// dropping B from env: the three-way patch kubectl computes and sends.
			name: "kubectl apply (client side) three-way patch",
			patch: `{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":3}}\n"}},` +
				`"spec":{"replicas":3,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],` +
				`"containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"C"}],"env":[{"name":"C","value":"3"},{"$patch":"delete","name":"B"}],"image":"nginx:1.23","name":"nginx"}]}}}}`,
			want: `
metadata.annotations: {kubectl.kubernetes.io/last-applied-configuration: "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":3}}\n"}
spec.replicas: 3
spec.template.spec.containers[0].image: nginx:1.23
spec.template.spec.containers[0].env: [{name: A, value: "1"}, {name: C, value: "3"}]`,
		},
		{
			// The docs' example: a patch naming a new container adds it, ahead of the existing ones.
			name:  "add a container",
			patch: `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"}]}}}}`,
			want:  `spec.template.spec.containers: [{name: patch-demo-ctr-2, image: redis}, {name: nginx, image: "nginx:1.22", ports: [{containerPort: 80, name: http, protocol: TCP}], env: [{name: A, value: "1"}, {name: B, value: "2"}], volumeMounts: [{name: cache, mountPath: /var/cache/nginx}]}, {name: sidecar, image: "envoyproxy/envoy:v1.30"}]`,
		},
		{
			// The docs' example: tolerations have no patch strategy, so the list is replaced.
			name:  "tolerations are replaced, not merged",
			patch: `{"spec":{"template":{"spec":{"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}}`,
			want:  `spec.template.spec.tolerations: [{effect: NoSchedule, key: disktype, value: ssd}]`,
		},
		{
			// The docs' retainKeys example: strategy has patchStrategy retainKeys.
			name:  "$retainKeys clears rollingUpdate",
			patch: `{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}`,
			want:  `spec.strategy: {type: Recreate}`,
		},
		{
			name:  "$patch: delete empties a map",
			patch: `{"spec":{"strategy":{"rollingUpdate":{"$patch":"delete"}}}}`,
			want:  `spec.strategy.rollingUpdate: {}`,
		},
		{
			name:  "null deletes a map",
			patch: `{"spec":{"strategy":{"rollingUpdate":null}}}`,
			want:  `spec.strategy: {type: RollingUpdate}`,
		},
		{
			name:  "ports merge by containerPort",
			patch: `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","ports":[{"containerPort":443,"name":"https"},{"containerPort":80,"hostPort":8080}]}]}}}}`,
			want:  `spec.template.spec.containers[0].ports: [{containerPort: 443, name: https}, {containerPort: 80, name: http, protocol: TCP, hostPort: 8080}]`,
		},
		{
			name:  "volumeMounts merge by mountPath, volumes by name",
			patch: `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","volumeMounts":[{"mountPath":"/var/cache/nginx","readOnly":true}]}],"volumes":[{"name":"config","configMap":{"name":"web"}}]}}}}`,
			want: `
spec.template.spec.containers[0].volumeMounts: [{name: cache, mountPath: /var/cache/nginx, readOnly: true}]
spec.template.spec.volumes: [{name: config, configMap: {name: web}}, {name: cache, emptyDir: {}}]`,
		},
		{
			// kubectl apply sends this when a volume changes source: volumes have retainKeys.
			name:  "$retainKeys in a volume switches its source",
			patch: `{"spec":{"template":{"spec":{"volumes":[{"$retainKeys":["hostPath","name"],"name":"cache","hostPath":{"path":"/data"}}]}}}}`,
			want:  `spec.template.spec.volumes: [{name: cache, hostPath: {path: /data}}]`,
		},
		{
			name:  "env item updated by name",
			patch: `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"B","value":"two"}]}]}}}}`,
			want:  `spec.template.spec.containers[0].env: [{name: A, value: "1"}, {name: B, value: two}]`,
		},
		{
			name:  "$setElementOrder reorders containers",
			patch: `{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}]}}}}`,
			want:  `spec.template.spec.containers: [{name: sidecar, image: "envoyproxy/envoy:v1.30"}, {name: nginx, image: "nginx:1.22", ports: [{containerPort: 80, name: http, protocol: TCP}], env: [{name: A, value: "1"}, {name: B, value: "2"}], volumeMounts: [{name: cache, mountPath: /var/cache/nginx}]}]`,
		},
		{
			name:  "null for a field that is not there changes nothing",
			patch: `{"spec":{"paused":null,"template":{"spec":{"nodeName":null}}}}`,
			want:  ``,
		},
		{
			name:  "unknown fields merge like maps",
			patch: `{"spec":{"x-extra":{"a":1,"b":null,"c":{"$patch":"delete"}}}}`,
			want:  `spec.x-extra: {a: 1, c: {}}`,
		},
		{
			name:  "the selector (no strategy) merges as a map",
			patch: `{"spec":{"selector":{"matchLabels":{"tier":"frontend"}}}}`,
			want:  `spec.selector.matchLabels: {app: web, tier: frontend}`,
		},
	}
	schema := deploymentSchema(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StrategicMergePatch([]byte(fromYAML(t, webDeployment)), []byte(tt.patch), schema)
			if err != nil {
				t.Fatal(err)
			}
			want := withChanges(t, fromYAML(t, webDeployment), tt.want)
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("StrategicMergePatch (-want +got):\n%s", diff)
			}
		})
	}
}

// withChanges sets, in the JSON document doc, each "dotted.path[i]: yaml value" line of changes.
func withChanges(t *testing.T, doc, changes string) string {
	t.Helper()
	v, _ := parseJSON([]byte(doc))
	if changes == "" {
		return string(encodeJSON(v))
	}
	var set map[string]any
	if err := yamlUnmarshal([]byte(changes), &set); err != nil {
		t.Fatalf("changes: %v", err)
	}
	for path, val := range set {
		raw, _ := jsonMarshal(val)
		nv, err := parseJSON(raw)
		if err != nil {
			t.Fatal(err)
		}
		v = setDotted(t, v, splitDotted(path), nv)
	}
	return string(encodeJSON(v))
}

func TestStrategicMergePatchPod(t *testing.T) {
	const pod = `
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  finalizers: [a, b, c]
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7d4b9, uid: "1111", controller: true}
spec:
  containers:
  - {name: nginx, image: nginx-1.0}
  - {name: log-tailer, image: log-tailer-1.0}
  imagePullSecrets:
  - {name: regcred}
  hostAliases:
  - {ip: 10.0.0.1, hostnames: [a.local]}
  topologySpreadConstraints:
  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}
  args: [--verbose]
  restartPolicy: Always
status:
  conditions:
  - {type: PodScheduled, status: "True"}
  - {type: Ready, status: "False", reason: ContainersNotReady}
`
	tests := []struct {
		name, patch, want string
		wantMsg           string
	}{
		{
			name:  "$patch: replace in a map takes the map literally",
			patch: `{"spec":{"$patch":"replace","containers":[{"name":"nginx","image":"nginx-1.0"}]}}`,
			want:  `spec: {containers: [{name: nginx, image: nginx-1.0}]}`,
		},
		{
			name:  "$patch: replace as a list item replaces the list",
			patch: `{"spec":{"containers":[{"name":"nginx","image":"nginx-1.1"},{"$patch":"replace"}]}}`,
			want:  `spec.containers: [{name: nginx, image: nginx-1.1}]`,
		},
		{
			name:  "$patch: delete as a list item deletes by merge key",
			patch: `{"spec":{"containers":[{"name":"nginx","image":"nginx-1.1"},{"$patch":"delete","name":"log-tailer"}]}}`,
			want:  `spec.containers: [{name: nginx, image: nginx-1.1}]`,
		},
		{
			name:  "$deleteFromPrimitiveList removes from a set",
			patch: `{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","c"]}}`,
			want:  `metadata.finalizers: [a]`,
		},
		{
			name:  "finalizers merge as a set, new ones first",
			patch: `{"metadata":{"finalizers":["d","a"]}}`,
			want:  `metadata.finalizers: [d, a, b, c]`,
		},
		{
			name:  "$setElementOrder orders a set",
			patch: `{"metadata":{"$setElementOrder/finalizers":["b","c","a"]}}`,
			want:  `metadata.finalizers: [b, c, a]`,
		},
		{
			// kubectl apply dropping finalizer b and adding d.
			name:  "$setElementOrder with additions and deletions",
			patch: `{"metadata":{"$setElementOrder/finalizers":["a","c","d"],"finalizers":["d"],"$deleteFromPrimitiveList/finalizers":["b"]}}`,
			want:  `metadata.finalizers: [a, c, d]`,
		},
		{
			name:  "ownerReferences merge by uid",
			patch: `{"metadata":{"ownerReferences":[{"uid":"1111","blockOwnerDeletion":true},{"apiVersion":"v1","kind":"Node","name":"n1","uid":"2222"}]}}`,
			want:  `metadata.ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d4b9, uid: "1111", controller: true, blockOwnerDeletion: true}, {apiVersion: v1, kind: Node, name: n1, uid: "2222"}]`,
		},
		{
			name:  "pod conditions merge by type (the kubelet's status patch)",
			patch: `{"status":{"conditions":[{"type":"Ready","status":"True","reason":null}]}}`,
			want:  `status.conditions: [{type: PodScheduled, status: "True"}, {type: Ready, status: "True"}]`,
		},
		{
			name:  "imagePullSecrets, hostAliases and topologySpreadConstraints merge by key",
			patch: `{"spec":{"imagePullSecrets":[{"name":"other"}],"hostAliases":[{"ip":"10.0.0.1","hostnames":["b.local"]}],"topologySpreadConstraints":[{"topologyKey":"zone","maxSkew":2}]}}`,
			want: `
spec.imagePullSecrets: [{name: other}, {name: regcred}]
spec.hostAliases: [{ip: 10.0.0.1, hostnames: [b.local]}]
spec.topologySpreadConstraints: [{maxSkew: 2, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]`,
		},

		{
			name:  "an empty list leaves a merge list as it is",
			patch: `{"spec":{"containers":[]},"metadata":{"finalizers":[]}}`,
			want:  ``,
		},
		{name: "list item without its merge key", patch: `{"spec":{"containers":[{"name":"nginx"},{"image":"x"}]}}`, wantMsg: `strategic merge patch: spec.containers[1]: list item has no merge key "name"`},
		{name: "$patch: merge is not a patch directive", patch: `{"spec":{"$patch":"merge"}}`, wantMsg: `spec.$patch: "$patch": "merge" is not a directive a patch can give`},
		{name: "$patch: merge in a list", patch: `{"spec":{"containers":[{"$patch":"merge"}]}}`, wantMsg: `spec.containers[0]: "$patch": "merge" is not a directive`},
		{name: "unknown directive", patch: `{"spec":{"containers":[{"name":"nginx","$patch":"frobnicate"}]}}`, wantMsg: `spec.containers[0]: unknown patch directive "frobnicate"`},
		{name: "delete without a merge key", patch: `{"spec":{"containers":[{"$patch":"delete"}]}}`, wantMsg: `spec.containers[0]: a $patch: delete item needs the merge key "name"`},
		{name: "$retainKeys must list what the patch sets", patch: `{"spec":{"$retainKeys":["containers"],"restartPolicy":"Never"}}`, wantMsg: `spec.$retainKeys: the patch sets "restartPolicy", which $retainKeys does not list`},
		{name: "$setElementOrder out of order", patch: `{"spec":{"$setElementOrder/containers":[{"name":"log-tailer"},{"name":"nginx"}],"containers":[{"name":"nginx"},{"name":"log-tailer"}]}}`, wantMsg: `spec.$setElementOrder/containers[1]: the patch list's items are not in the order`},
		{name: "$deleteFromPrimitiveList on a list that is not a set", patch: `{"spec":{"$deleteFromPrimitiveList/tolerations":["x"]}}`, wantMsg: `the list does not have patchStrategy merge`},
		{name: "mixed item types in a set", patch: `{"metadata":{"finalizers":["a",1]}}`, wantMsg: `metadata.finalizers[1]: list items must all have one type: number after string`},
		{name: "lists of lists", patch: `{"metadata":{"finalizers":[["a"]]}}`, wantMsg: `metadata.finalizers[0]: lists of lists cannot be merged`},
		{name: "an object where a list item must be", patch: `{"spec":{"containers":[{"name":"a"},"b"]}}`, wantMsg: `spec.containers[1]: list items must all have one type: string after object`},
		{name: "patch is not an object", patch: `["spec"]`, wantMsg: `strategic merge patch: a strategic merge patch is an object, not an array`},
		{name: "malformed patch", patch: `{"spec":`, wantMsg: `strategic merge patch: invalid JSON at byte 8`},
	}
	schema := podSchema(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StrategicMergePatch([]byte(fromYAML(t, pod)), []byte(tt.patch), schema)
			if tt.wantMsg != "" {
				checkErr(t, err, ErrInvalidPatch, tt.wantMsg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := withChanges(t, fromYAML(t, pod), tt.want)
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("StrategicMergePatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStrategicMergePatchNode(t *testing.T) {
	const node = `
apiVersion: v1
kind: Node
metadata: {name: n1}
spec:
  podCIDRs: [10.244.1.0/24]
  taints:
  - {key: dedicated, value: gpu, effect: NoSchedule}
status:
  conditions:
  - {type: MemoryPressure, status: "False"}
  - {type: Ready, status: "False", reason: KubeletNotReady}
  addresses:
  - {type: InternalIP, address: 10.0.0.5}
`
	tests := []struct{ name, patch, want string }{
		{
			name:  "kubectl cordon",
			patch: `{"spec":{"unschedulable":true}}`,
			want:  `spec.unschedulable: true`,
		},
		{
			// Taints have no patch strategy in Kubernetes: kubectl taint sends the whole new list.
			name:  "kubectl taint replaces the taints list",
			patch: `{"spec":{"taints":[{"effect":"NoExecute","key":"maintenance"}]}}`,
			want:  `spec.taints: [{effect: NoExecute, key: maintenance}]`,
		},
		{
			name:  "the kubelet's status patch merges conditions and addresses by type",
			patch: `{"status":{"$setElementOrder/conditions":[{"type":"MemoryPressure"},{"type":"Ready"}],"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}],"addresses":[{"type":"Hostname","address":"n1"}]}}`,
			want: `
status.conditions: [{type: MemoryPressure, status: "False"}, {type: Ready, status: "True", reason: KubeletReady}]
status.addresses: [{type: Hostname, address: n1}, {type: InternalIP, address: 10.0.0.5}]`,
		},
		{
			name:  "podCIDRs merge as a set",
			patch: `{"spec":{"podCIDRs":["10.244.1.0/24","fd00::/64"]}}`,
			want:  `spec.podCIDRs: [10.244.1.0/24, "fd00::/64"]`,
		},
	}
	schema := nodeSchema(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := StrategicMergePatch([]byte(fromYAML(t, node)), []byte(tt.patch), schema)
			if err != nil {
				t.Fatal(err)
			}
			want := withChanges(t, fromYAML(t, node), tt.want)
			if diff := cmp.Diff(want, string(got)); diff != "" {
				t.Errorf("StrategicMergePatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStrategicMergePatchDocumentErrors(t *testing.T) {
	schema := podSchema(t)
	tests := []struct {
		name, original string
		schema         *Schema
		wantErr        error
		wantMsg        string
	}{
		{name: "document is not an object", original: `[1]`, schema: schema, wantErr: ErrInvalidDocument, wantMsg: "strategic merge patch: document: an array, not an object"},
		{name: "document is malformed", original: `{"a":tru}`, schema: schema, wantErr: ErrInvalidDocument, wantMsg: "strategic merge patch: document: invalid JSON at byte 5"},
		{name: "no schema", original: `{}`, wantErr: ErrInvalidPatch, wantMsg: "no schema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := StrategicMergePatch([]byte(tt.original), []byte(`{}`), tt.schema)
			checkErr(t, err, tt.wantErr, tt.wantMsg)
		})
	}
}
