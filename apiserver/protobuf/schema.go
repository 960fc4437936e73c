package protobuf

//go:generate go run ./internal/schemagen -o zz_generated.schema.go

import (
	"fmt"
	"strings"
)

// kind is how a field's value is encoded and written as JSON.
type kind uint8

// The kinds of the table. Each scalar kind names its proto type.
const (
	kindInt32 kind = iota + 1
	kindInt64
	kindBool
	kindString
	kindBytes
	kindMessage
	kindMap
)

func (k kind) String() string {
	switch k {
	case kindInt32:
		return "int32"
	case kindInt64:
		return "int64"
	case kindBool:
		return "bool"
	case kindString:
		return "string"
	case kindBytes:
		return "bytes"
	case kindMessage:
		return "message"
	case kindMap:
		return "map"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// schemaField is one field of the generated table.
type schemaField struct {
	num  int32
	name string // the proto field name, which is the JSON name
	kind kind
	// repeated is set for repeated fields (never for maps, which are repeated entries by nature).
	repeated bool
	// inline is set for a message field whose fields JSON writes into the parent's object (Go's
	// embedded structs tagged `json:",inline"`, such as a Volume's VolumeSource).
	inline bool
	// key and val are the kinds of a map's keys and values.
	key, val kind
	// typ is the message type of a message field or of a map's message values.
	typ string
}

// schemaMessage is one message of the generated table.
type schemaMessage struct {
	name   string // fully qualified: "k8s.io.api.apps.v1.Deployment"
	fields []schemaField
}

// schemaPackage says which proto package holds the kinds of a group/version.
type schemaPackage struct {
	group, version string
	prefix         string // "k8s.io.api.apps.v1."
}

// format is how a message is written as JSON. Most are objects; the well-known types of
// apimachinery have their own JSON forms.
type format uint8

const (
	formatObject      format = iota
	formatTime               // meta/v1 Time: RFC 3339 in UTC, seconds only; null when empty
	formatMicroTime          // meta/v1 MicroTime: RFC 3339 with microseconds; null when empty
	formatDuration           // meta/v1 Duration: Go's time.Duration string
	formatQuantity           // resource.Quantity: its string; "0" when empty
	formatIntOrString        // intstr.IntOrString: a number or a string, per its type
	formatRawJSON            // runtime.RawExtension and meta/v1 FieldsV1: the embedded JSON; null when empty
	formatVerbs              // meta/v1 Verbs and the like: a wrapped []string, written as the array
)

// wellKnown maps the messages with their own JSON form to it.
var wellKnown = map[string]format{
	pkgMetaV1 + "Time":      formatTime,
	pkgMetaV1 + "MicroTime": formatMicroTime,
	pkgMetaV1 + "Duration":  formatDuration,
	pkgMetaV1 + "FieldsV1":  formatRawJSON,
	pkgMetaV1 + "Verbs":     formatVerbs,
	// The user extras and attestations of the review and token kinds: wrapped []string too.
	pkgAuthenticationV1 + "ExtraValue":       formatVerbs,
	pkgAuthenticationV1 + "AttestationValue": formatVerbs,
	pkgAuthorizationV1 + "ExtraValue":        formatVerbs,
	pkgResource + "Quantity":                 formatQuantity,
	pkgIntstr + "IntOrString":                formatIntOrString,
	pkgRuntime + "RawExtension":              formatRawJSON,
}

// message is a schemaMessage ready for decoding.
type message struct {
	name   string
	format format
	fields []field
	// byNum indexes fields by number: byNum[n] is the index in fields plus one, 0 when absent.
	byNum []uint16
}

// field is a schemaField ready for decoding.
type field struct {
	schemaField
	msg *message // typ, resolved
	// jsonKey is the field's JSON object key with its quotes and colon: `"replicas":`.
	jsonKey []byte
}

// lookup returns the field numbered num, or nil.
func (m *message) lookup(num int32) *field {
	if num < 0 || int(num) >= len(m.byNum) {
		return nil
	}
	if i := m.byNum[num]; i != 0 {
		return &m.fields[i-1]
	}
	return nil
}

// shortName is the message name without its package: "DeploymentSpec".
func (m *message) shortName() string {
	return m.name[strings.LastIndexByte(m.name, '.')+1:]
}

var (
	messages   map[string]*message
	kindsByGV  map[string]string // "apps/v1" -> "k8s.io.api.apps.v1."
	optionKind = map[string]bool{
		// The option kinds every group/version serves (metav1.AddToGroupVersion), as a typed
		// client encodes them: "apps/v1, Kind=DeleteOptions".
		"ListOptions": true, "GetOptions": true, "DeleteOptions": true,
		"CreateOptions": true, "UpdateOptions": true, "PatchOptions": true,
	}
	unversionedKind = map[string]bool{
		// The kinds Kubernetes registers as unversioned, encoded as "v1, Kind=Status".
		"Status": true, "APIVersions": true, "APIGroupList": true, "APIGroup": true, "APIResourceList": true,
	}
)

func init() {
	messages = make(map[string]*message, len(schemaMessages))
	for i := range schemaMessages {
		sm := &schemaMessages[i]
		m := &message{name: sm.name, format: wellKnown[sm.name], fields: make([]field, len(sm.fields))}
		maxNum := int32(0)
		for j, sf := range sm.fields {
			m.fields[j] = field{schemaField: sf, jsonKey: append(appendString(nil, sf.name), ':')}
			maxNum = max(maxNum, sf.num)
		}
		if maxNum > 1<<12 {
			// The table is generated from files whose numbers are small; a huge one is a bug.
			panic(fmt.Sprintf("protobuf: message %s has field number %d, too large for the index", sm.name, maxNum))
		}
		m.byNum = make([]uint16, maxNum+1)
		for j, sf := range sm.fields {
			m.byNum[sf.num] = uint16(j + 1)
		}
		messages[sm.name] = m
	}
	for _, m := range messages {
		for j := range m.fields {
			f := &m.fields[j]
			if f.typ == "" {
				continue
			}
			f.msg = messages[f.typ]
			if f.msg == nil {
				panic(fmt.Sprintf("protobuf: the generated table is broken: %s.%s names missing type %s", m.name, f.name, f.typ))
			}
		}
	}
	for name := range wellKnown {
		if messages[name] == nil {
			panic(fmt.Sprintf("protobuf: the generated table lacks well-known type %s", name))
		}
	}
	kindsByGV = make(map[string]string, len(schemaPackages))
	for _, p := range schemaPackages {
		gv := p.version
		if p.group != "" {
			gv = p.group + "/" + p.version
		}
		kindsByGV[gv] = p.prefix
	}
}

// messageOfKind returns the message of the kind named by apiVersion and kind, or nil.
func messageOfKind(apiVersion, kind string) *message {
	prefix, ok := kindsByGV[apiVersion]
	if !ok || kind == "" || strings.Contains(kind, ".") {
		return nil
	}
	m := messages[prefix+kind]
	if m == nil && (optionKind[kind] || apiVersion == "v1" && unversionedKind[kind]) {
		m = messages[pkgMetaV1+kind]
	}
	if m == nil || m.format != formatObject || m.lookupName("apiVersion") != nil || m.lookupName("kind") != nil {
		// A kind's apiVersion and kind travel in the envelope; a message with fields of those
		// names (ObjectReference, OwnerReference, ...) is a part of objects, and as a whole one
		// would name a second kind in its JSON.
		return nil
	}
	return m
}

// lookupName returns the field whose JSON name is name, or nil.
func (m *message) lookupName(name string) *field {
	for i := range m.fields {
		if m.fields[i].name == name {
			return &m.fields[i]
		}
	}
	return nil
}
