package apierrors

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
)

// GroupResource names the resource an error is about ("pods", "deployments.apps").
type GroupResource struct {
	Group, Resource string
}

func (g GroupResource) String() string {
	if g.Group == "" {
		return g.Resource
	}
	return g.Resource + "." + g.Group
}

// GroupKind names the kind an Invalid error is about.
type GroupKind struct {
	Group, Kind string
}

func (g GroupKind) String() string {
	if g.Group == "" {
		return g.Kind
	}
	return g.Kind + "." + g.Group
}

func newStatus(code int32, reason meta.StatusReason, msg string, details *meta.StatusDetails) *meta.Status {
	st := meta.NewStatus(code, reason, msg)
	st.Details = details
	return st
}

// NewNotFound: `pods "x" not found`, 404.
func NewNotFound(gr GroupResource, name string) *meta.Status {
	return newStatus(http.StatusNotFound, meta.StatusReasonNotFound, fmt.Sprintf("%s %q not found", gr, name),
		&meta.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name})
}

// NewAlreadyExists: `pods "x" already exists`, 409.
func NewAlreadyExists(gr GroupResource, name string) *meta.Status {
	return newStatus(http.StatusConflict, meta.StatusReasonAlreadyExists, fmt.Sprintf("%s %q already exists", gr, name),
		&meta.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name})
}

// NewConflict: `Operation cannot be fulfilled on pods "x": <why>`, 409.
func NewConflict(gr GroupResource, name string, err error) *meta.Status {
	return newStatus(http.StatusConflict, meta.StatusReasonConflict,
		fmt.Sprintf("Operation cannot be fulfilled on %s %q: %v", gr, name, err),
		&meta.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name})
}

// NewInvalid: `Pod "x" is invalid: [...]`, 422, with one cause per field error.
func NewInvalid(gk GroupKind, name string, errs field.ErrorList) *meta.Status {
	causes := make([]meta.StatusCause, 0, len(errs))
	for _, e := range errs {
		causes = append(causes, meta.StatusCause{Type: meta.CauseType(e.Type), Message: e.ErrorBody(), Field: e.Field})
	}
	msg := fmt.Sprintf("%s %q is invalid", gk, name)
	if agg := errs.ToAggregate(); agg != nil {
		msg += ": " + agg.Error()
	}
	return newStatus(http.StatusUnprocessableEntity, meta.StatusReasonInvalid, msg,
		&meta.StatusDetails{Group: gk.Group, Kind: gk.Kind, Name: name, Causes: causes})
}

// NewBadRequest: 400 with the message as given.
func NewBadRequest(msg string) *meta.Status {
	return newStatus(http.StatusBadRequest, meta.StatusReasonBadRequest, msg, nil)
}

// NewForbidden: `pods "x" is forbidden: <why>`, 403 (without a name: `pods is forbidden: ...`).
func NewForbidden(gr GroupResource, name string, err error) *meta.Status {
	var msg string
	if name == "" {
		msg = fmt.Sprintf("%s is forbidden: %v", gr, err)
	} else {
		msg = fmt.Sprintf("%s %q is forbidden: %v", gr, name, err)
	}
	return newStatus(http.StatusForbidden, meta.StatusReasonForbidden, msg,
		&meta.StatusDetails{Group: gr.Group, Kind: gr.Resource, Name: name})
}

// NewUnauthorized: 401 "Unauthorized".
func NewUnauthorized(msg string) *meta.Status {
	if msg == "" {
		msg = "Unauthorized"
	}
	return newStatus(http.StatusUnauthorized, meta.StatusReasonUnauthorized, msg, nil)
}

// NewMethodNotSupported: 405, `<verb> is not supported on resources of kind "pods"`.
func NewMethodNotSupported(gr GroupResource, verb string) *meta.Status {
	return newStatus(http.StatusMethodNotAllowed, meta.StatusReasonMethodNotAllowed,
		fmt.Sprintf("%s is not supported on resources of kind %q", verb, gr),
		&meta.StatusDetails{Group: gr.Group, Kind: gr.Resource})
}

// NewNotFoundPath: 404 "the server could not find the requested resource", for unknown paths.
func NewNotFoundPath() *meta.Status {
	return newStatus(http.StatusNotFound, meta.StatusReasonNotFound, "the server could not find the requested resource", &meta.StatusDetails{})
}

// NewGone: 410 Expired, for a watch or list from a resourceVersion no longer kept.
func NewGone(msg string) *meta.Status {
	return newStatus(http.StatusGone, meta.StatusReasonExpired, msg, nil)
}

// NewResourceExpired: 410 Expired, for continue tokens whose list is no longer kept.
func NewResourceExpired(msg string) *meta.Status {
	return newStatus(http.StatusGone, meta.StatusReasonExpired, msg, nil)
}

// NewTooManyRequests: 429 with Retry-After seconds in the details.
func NewTooManyRequests(msg string, retryAfterSeconds int) *meta.Status {
	if msg == "" {
		msg = "Too many requests, please try again later."
	}
	return newStatus(http.StatusTooManyRequests, meta.StatusReasonTooManyRequests, msg,
		&meta.StatusDetails{RetryAfterSeconds: int32(retryAfterSeconds)})
}

// NewRequestEntityTooLarge: 413.
func NewRequestEntityTooLarge(msg string) *meta.Status {
	return newStatus(http.StatusRequestEntityTooLarge, meta.StatusReasonRequestEntityTooLarge, "Request entity too large: "+msg, nil)
}

// NewUnsupportedMediaType: 415.
func NewUnsupportedMediaType(contentType string) *meta.Status {
	return newStatus(http.StatusUnsupportedMediaType, meta.StatusReasonUnsupportedMediaType,
		fmt.Sprintf("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got %q)", contentType), nil)
}

// NewNotAcceptable: 406.
func NewNotAcceptable(accept string) *meta.Status {
	return newStatus(http.StatusNotAcceptable, meta.StatusReasonNotAcceptable,
		fmt.Sprintf("only the following media types are accepted: application/json, application/yaml (and tables as application/json;as=Table;v=v1;g=meta.k8s.io); got %q", accept), nil)
}

// NewTimeout: 504 "Timeout: ...".
func NewTimeout(msg string) *meta.Status {
	return newStatus(http.StatusGatewayTimeout, meta.StatusReasonTimeout, "Timeout: "+msg, nil)
}

// NewServiceUnavailable: 503.
func NewServiceUnavailable(msg string) *meta.Status {
	return newStatus(http.StatusServiceUnavailable, meta.StatusReasonServiceUnavailable, msg, nil)
}

// NewInternalError: 500 `Internal error occurred: <err>`.
func NewInternalError(err error) *meta.Status {
	return newStatus(http.StatusInternalServerError, meta.StatusReasonInternalError,
		fmt.Sprintf("Internal error occurred: %v", err),
		&meta.StatusDetails{Causes: []meta.StatusCause{{Message: err.Error()}}})
}

// StatusOf returns the Status an error is, or wraps; anything else is an internal error.
func StatusOf(err error) *meta.Status {
	var st *meta.Status
	if errors.As(err, &st) {
		return st
	}
	return NewInternalError(err)
}

// ReasonOf returns the reason of a Status error, or "" for any other error.
func ReasonOf(err error) meta.StatusReason {
	var st *meta.Status
	if errors.As(err, &st) {
		return st.Reason
	}
	return meta.StatusReasonUnknown
}

func reasonIs(err error, r meta.StatusReason, code int32) bool {
	var st *meta.Status
	if !errors.As(err, &st) {
		return false
	}
	return st.Reason == r || (st.Reason == "" && st.Code == code)
}

// IsNotFound reports a NotFound error.
func IsNotFound(err error) bool { return reasonIs(err, meta.StatusReasonNotFound, http.StatusNotFound) }

// IsAlreadyExists reports an AlreadyExists error.
func IsAlreadyExists(err error) bool { return reasonIs(err, meta.StatusReasonAlreadyExists, 0) }

// IsConflict reports a Conflict error.
func IsConflict(err error) bool { return reasonIs(err, meta.StatusReasonConflict, http.StatusConflict) }

// IsInvalid reports an Invalid error.
func IsInvalid(err error) bool {
	return reasonIs(err, meta.StatusReasonInvalid, http.StatusUnprocessableEntity)
}

// IsForbidden reports a Forbidden error.
func IsForbidden(err error) bool {
	return reasonIs(err, meta.StatusReasonForbidden, http.StatusForbidden)
}

// IsUnauthorized reports an Unauthorized error.
func IsUnauthorized(err error) bool {
	return reasonIs(err, meta.StatusReasonUnauthorized, http.StatusUnauthorized)
}

// IsGone reports a Gone or Expired error (a resourceVersion or continue token no longer kept).
func IsGone(err error) bool {
	return reasonIs(err, meta.StatusReasonGone, http.StatusGone) || reasonIs(err, meta.StatusReasonExpired, 0)
}

// IsTooManyRequests reports a 429.
func IsTooManyRequests(err error) bool {
	return reasonIs(err, meta.StatusReasonTooManyRequests, http.StatusTooManyRequests)
}

// IsBadRequest reports a 400.
func IsBadRequest(err error) bool {
	return reasonIs(err, meta.StatusReasonBadRequest, http.StatusBadRequest)
}

// IsMethodNotSupported reports a 405.
func IsMethodNotSupported(err error) bool {
	return reasonIs(err, meta.StatusReasonMethodNotAllowed, http.StatusMethodNotAllowed)
}

// Causes lists the field errors of an Invalid error as "field: message" lines.
func Causes(err error) []string {
	var st *meta.Status
	if !errors.As(err, &st) || st.Details == nil {
		return nil
	}
	out := make([]string, 0, len(st.Details.Causes))
	for _, c := range st.Details.Causes {
		out = append(out, strings.TrimPrefix(c.Field+": "+c.Message, ": "))
	}
	return out
}

// IsTimeout reports a request that timed out (504 Timeout, or 500 ServerTimeout); the server may
// still have carried it out.
func IsTimeout(err error) bool {
	return reasonIs(err, meta.StatusReasonTimeout, http.StatusGatewayTimeout) || reasonIs(err, meta.StatusReasonServerTimeout, 0)
}
