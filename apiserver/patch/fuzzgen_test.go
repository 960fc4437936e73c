package patch

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
)

// gen turns fuzz bytes into a JSON value built from the words patches and Kubernetes objects use,
// so that byte-level mutation explores directives and keyed lists rather than JSON syntax.
type gen struct {
	b []byte
	i int
}

func (g *gen) next() int {
	if g.i >= len(g.b) {
		return 0
	}
	g.i++
	return int(g.b[g.i-1])
}

func (g *gen) pick(words []string) string { return words[g.next()%len(words)] }

var genKeys = []string{
	"metadata", "spec", "status", "template", "containers", "initContainers", "name", "image", "env",
	"value", "ports", "containerPort", "protocol", "finalizers", "labels", "app", "volumes", "emptyDir",
	"hostPath", "path", "tolerations", "key", "conditions", "type", "status", "ownerReferences", "uid",
	"args", "replicas", "selector", "matchLabels", "strategy", "rollingUpdate", "apiVersion", "kind",
	"nodeSelector", "resources", "limits", "cpu", "x-unknown",
	"$patch", "$retainKeys", "$setElementOrder/containers", "$setElementOrder/finalizers",
	"$setElementOrder/env", "$deleteFromPrimitiveList/finalizers", "$deleteFromPrimitiveList/args",
	"$setElementOrder/", "$deleteFromPrimitiveList/", "$setElementOrderx",
}

var genStrings = []string{"replace", "delete", "merge", "a", "b", "nginx", "TCP", "UDP", "apps/v1", "Deployment", "v1", "Pod", ""}

func (g *gen) value(depth int) any {
	switch c := g.next() % 9; {
	case c == 0:
		return nil
	case c == 1:
		return g.next()%2 == 0
	case c == 2:
		return json.Number(strconv.Itoa(g.next() % 100))
	case c <= 4:
		return g.pick(genStrings)
	case c <= 6 && depth < 6:
		n := g.next() % 4
		m := make(map[string]any, n)
		for range n {
			m[g.pick(genKeys)] = g.value(depth + 1)
		}
		return m
	case depth < 6:
		n := g.next() % 4
		l := make([]any, n)
		for i := range l {
			l[i] = g.value(depth + 1)
		}
		return l
	}
	return "leaf"
}

// object generates a JSON object.
func (g *gen) object() []byte {
	n := g.next()%5 + 1
	m := make(map[string]any, n)
	for range n {
		m[g.pick(genKeys)] = g.value(1)
	}
	return encodeJSON(m)
}

// typed generates a value that fits the place f, so that apply configurations get past
// validation and exercise merging, ownership and pruning.
func (g *gen) typed(f *field, depth int) any {
	if g.next()%16 == 0 {
		return nil
	}
	if f == nil || f.schema == nil {
		return g.value(depth)
	}
	s := f.schema
	switch s.kind {
	case kindStruct:
		if depth > 8 {
			return map[string]any{}
		}
		names := make([]string, 0, len(s.fields))
		for n := range s.fields {
			names = append(names, n)
		}
		slices.Sort(names)
		m := map[string]any{}
		for range g.next() % 4 {
			n := names[(g.next()<<8|g.next())%len(names)]
			m[n] = g.typed(s.fields[n], depth+1)
		}
		return m
	case kindMap:
		m := map[string]any{}
		for range g.next() % 3 {
			m[g.pick([]string{"a", "b", "app", "cpu"})] = g.typed(f.item, depth+1)
		}
		return m
	case kindList:
		n := g.next() % 3
		l := make([]any, 0, n)
		for range n {
			item := g.typed(f.item, depth+1)
			if f.listType == listMap {
				m, ok := item.(map[string]any)
				if !ok {
					m = map[string]any{}
				}
				for _, k := range f.listKeys {
					if g.next()%8 != 0 {
						m[k] = g.pick([]string{"a", "b", "TCP"})
						if k == "containerPort" {
							m[k] = json.Number(strconv.Itoa(80 + g.next()%2))
						}
					}
				}
				item = m
			}
			l = append(l, item)
		}
		return l
	}
	switch s.typ.Kind() {
	case reflect.Bool:
		return g.next()%2 == 0
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint8:
		return json.Number(strconv.Itoa(g.next() % 5))
	}
	return g.pick([]string{"a", "b", "1", "nginx:1.25"})
}
