package audit

import (
	"context"
	"encoding/json"
	"io"
	"sync"

	"github.com/skiff-io/skiff/api/meta"
)

// Event is one request's record.
type Event struct {
	meta.TypeMeta            `json:",inline"`
	Level                    string                    `json:"level"`
	AuditID                  string                    `json:"auditID"`
	Stage                    string                    `json:"stage"`
	RequestURI               string                    `json:"requestURI"`
	Verb                     string                    `json:"verb"`
	User                     UserInfo                  `json:"user"`
	ImpersonatedUser         *UserInfo                 `json:"impersonatedUser,omitempty"`
	SourceIPs                []string                  `json:"sourceIPs,omitempty"`
	UserAgent                string                    `json:"userAgent,omitempty"`
	ObjectRef                *ObjectReference          `json:"objectRef,omitempty"`
	ResponseStatus           *meta.Status              `json:"responseStatus,omitempty"`
	RequestObject            json.RawMessage           `json:"requestObject,omitempty"`
	ResponseObject           json.RawMessage           `json:"responseObject,omitempty"`
	RequestReceivedTimestamp meta.MicroTime            `json:"requestReceivedTimestamp"`
	StageTimestamp           meta.MicroTime            `json:"stageTimestamp"`
	Annotations              map[string]string         `json:"annotations,omitempty"`
	StageTimestamps          map[string]meta.MicroTime `json:"stageTimestamps,omitempty"`

	// mu guards Annotations and StageTimestamps: a request's handler and its timeout filter may
	// both write them.
	mu sync.Mutex
}

// UserInfo is the authenticated user of a request.
type UserInfo struct {
	Username string              `json:"username,omitempty"`
	UID      string              `json:"uid,omitempty"`
	Groups   []string            `json:"groups,omitempty"`
	Extra    map[string][]string `json:"extra,omitempty"`
}

// ObjectReference names the object a request is about.
type ObjectReference struct {
	Resource        string `json:"resource,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	Name            string `json:"name,omitempty"`
	UID             string `json:"uid,omitempty"`
	APIGroup        string `json:"apiGroup,omitempty"`
	APIVersion      string `json:"apiVersion,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	Subresource     string `json:"subresource,omitempty"`
}

// Sink receives finished events. Implementations must be safe for concurrent use and must not keep
// ev after returning.
type Sink interface {
	Record(ctx context.Context, ev *Event)
}

// JSONLinesSink writes each event as one JSON line, as kube-apiserver's --audit-log-path does.
type JSONLinesSink struct {
	mu sync.Mutex
	w  io.Writer
}

// NewJSONLinesSink returns a sink writing to w.
func NewJSONLinesSink(w io.Writer) *JSONLinesSink { return &JSONLinesSink{w: w} }

// Record writes ev.
func (s *JSONLinesSink) Record(_ context.Context, ev *Event) {
	data, err := json.Marshal(ev)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w.Write(append(data, '\n'))
}

type eventKey struct{}

// WithEvent returns ctx carrying the request's event, so that later stages can annotate it.
func WithEvent(ctx context.Context, ev *Event) context.Context {
	return context.WithValue(ctx, eventKey{}, ev)
}

// EventFrom returns the request's event, or nil when auditing is off.
func EventFrom(ctx context.Context) *Event {
	ev, _ := ctx.Value(eventKey{}).(*Event)
	return ev
}

// Annotate adds an annotation to the request's event, if it has one. Annotations say why things
// happened: "authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "...".
func Annotate(ctx context.Context, key, value string) {
	ev := EventFrom(ctx)
	if ev == nil {
		return
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.Annotations == nil {
		ev.Annotations = map[string]string{}
	}
	ev.Annotations[key] = value
}

// SetRequestObject records body, the request's object as JSON, when the event's level records
// request bodies and none is recorded yet: the audit filter keeps bodies that arrive as JSON, and
// the server calls this with the JSON it decoded from protobuf or YAML ones, so that every
// request's object reads the same in the log.
func SetRequestObject(ctx context.Context, body []byte) {
	ev := EventFrom(ctx)
	if ev == nil || (ev.Level != LevelRequest && ev.Level != LevelRequestResponse) {
		return
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if len(ev.RequestObject) == 0 {
		ev.RequestObject = append(json.RawMessage(nil), body...)
	}
}

// Stage records the time a request reached a stage ("authenticated", "authorized", "admitted",
// "persisted", ...), for the journey timeline.
func Stage(ctx context.Context, stage string, at meta.MicroTime) {
	ev := EventFrom(ctx)
	if ev == nil {
		return
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.StageTimestamps == nil {
		ev.StageTimestamps = map[string]meta.MicroTime{}
	}
	ev.StageTimestamps[stage] = at
}

// Lock and Unlock guard the event while a sink reads it.
func (ev *Event) Lock()   { ev.mu.Lock() }
func (ev *Event) Unlock() { ev.mu.Unlock() }
