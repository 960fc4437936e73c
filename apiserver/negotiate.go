package apiserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver/protobuf"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/warning"
)

// MaxRequestBodyBytes is the largest request body accepted, as kube-apiserver's 3 MiB limit.
const MaxRequestBodyBytes = 3 << 20

// Media types.
const (
	mediaJSON     = "application/json"
	mediaYAML     = "application/yaml"
	mediaProtobuf = "application/vnd.kubernetes.protobuf"
)

// output is the representation a client asked for in its Accept header.
type output struct {
	yaml  bool
	table bool
}

// negotiate picks the response representation from the Accept header, in the client's order.
// kubectl asks for tables first and falls back to JSON.
func negotiate(r *http.Request) (output, error) {
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return output{}, nil
	}
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaJSON:
			switch params["as"] {
			case "":
				return output{}, nil
			case "Table":
				if params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
					return output{table: true}, nil
				}
			}
		case mediaYAML:
			if params["as"] == "" {
				return output{yaml: true}, nil
			}
		case "*/*", "application/*":
			return output{}, nil
		}
	}
	return output{}, apierrors.NewNotAcceptable(accept)
}

// writeJSON writes v in the negotiated form with the status code.
func writeJSON(w http.ResponseWriter, out output, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeStatusRaw(w, apierrors.NewInternalError(err))
		return
	}
	if out.yaml {
		if y, err := yaml.JSONToYAML(data); err == nil {
			w.Header().Set("Content-Type", mediaYAML)
			w.WriteHeader(code)
			w.Write(y)
			return
		}
	}
	w.Header().Set("Content-Type", mediaJSON)
	w.WriteHeader(code)
	w.Write(data)
	w.Write([]byte{'\n'})
}

// writeStatusRaw writes a Status as JSON, with Retry-After when it says so. Errors are always JSON:
// kubectl reads them whatever it asked for.
func writeStatusRaw(w http.ResponseWriter, st *meta.Status) {
	if st.Details != nil && st.Details.RetryAfterSeconds > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(st.Details.RetryAfterSeconds))
	}
	code := int(st.Code)
	if code == 0 {
		code = http.StatusInternalServerError
	}
	data, _ := json.Marshal(st)
	w.Header().Set("Content-Type", mediaJSON)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(data)
	w.Write([]byte{'\n'})
}

// readBody reads a request body up to the limit.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBodyBytes+1))
	if err != nil {
		return nil, apierrors.NewBadRequest("reading the request body: " + err.Error())
	}
	if len(data) > MaxRequestBodyBytes {
		return nil, apierrors.NewRequestEntityTooLarge(fmt.Sprintf("limit is %d bytes", MaxRequestBodyBytes))
	}
	return data, nil
}

// bodyToJSON turns a request body into JSON according to its Content-Type. Protobuf bodies are
// converted leniently, as kube-apiserver decodes them: fields this server does not know are dropped,
// with a warning (a newer kubectl writes every field of its own schema).
func (s *Server) bodyToJSON(w http.ResponseWriter, r *http.Request, body []byte) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt := mediaJSON
	if ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return nil, apierrors.NewUnsupportedMediaType(ct)
		}
	}
	switch mt {
	case mediaJSON:
		return body, nil
	case mediaYAML, "application/x-yaml", "text/yaml":
		data, err := yaml.YAMLToJSON(body)
		if err != nil {
			return nil, apierrors.NewBadRequest("the body of the request is not valid YAML: " + err.Error())
		}
		audit.SetRequestObject(r.Context(), data)
		return data, nil
	case mediaProtobuf:
		res, err := (protobuf.Options{DiscardUnknownFields: true, MaxJSONBytes: 4 * MaxRequestBodyBytes}).Convert(body)
		if err != nil {
			return nil, apierrors.NewBadRequest(err.Error())
		}
		for _, f := range res.Discarded {
			warning.Add(r.Context(), fmt.Sprintf("unknown field %q", f))
		}
		audit.SetRequestObject(r.Context(), res.JSON)
		return res.JSON, nil
	}
	return nil, apierrors.NewUnsupportedMediaType(ct)
}

// fieldValidation is the fieldValidation query parameter.
type fieldValidation string

const (
	validationIgnore fieldValidation = "Ignore"
	validationWarn   fieldValidation = "Warn"
	validationStrict fieldValidation = "Strict"
)

func parseFieldValidation(r *http.Request) (fieldValidation, error) {
	switch v := r.URL.Query().Get("fieldValidation"); v {
	case "", string(validationWarn):
		return validationWarn, nil // Kubernetes' default
	case string(validationIgnore), string(validationStrict):
		return fieldValidation(v), nil
	default:
		return "", apierrors.NewBadRequest(fmt.Sprintf("fieldValidation parameter unsupported: %s, supported values are: Ignore, Warn, Strict", v))
	}
}

// decodeObject decodes a request body (JSON, YAML or protobuf) as an object of kind k. An empty
// apiVersion or kind in the body means the endpoint's; a different one is an error. Unknown and
// duplicate fields are rejected, reported as warnings or ignored per the fieldValidation parameter.
func (s *Server) decodeObject(w http.ResponseWriter, r *http.Request, k *api.Kind, body []byte) (meta.Object, error) {
	data, err := s.bodyToJSON(w, r, body)
	if err != nil {
		return nil, err
	}
	return s.decodeJSONObject(w, r, k, data)
}

func (s *Server) decodeJSONObject(w http.ResponseWriter, r *http.Request, k *api.Kind, data []byte) (meta.Object, error) {
	fv, err := parseFieldValidation(r)
	if err != nil {
		return nil, err
	}
	var tm meta.TypeMeta
	if err := api.DecodeInto(data, &tm); err != nil {
		return nil, badBody(err)
	}
	if tm.APIVersion != "" && tm.APIVersion != k.APIVersion() {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the API version in the data (%s) does not match the expected API version (%s)", tm.APIVersion, k.APIVersion()))
	}
	if tm.Kind != "" && tm.Kind != k.Kind {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the kind in the data (%s) does not match the expected kind (%s)", tm.Kind, k.Kind))
	}
	if fv != validationIgnore {
		problems, err := api.CheckFields(data, k.Type)
		if err != nil {
			return nil, badBody(err)
		}
		if !problems.Empty() {
			if fv == validationStrict {
				return nil, apierrors.NewBadRequest("strict decoding error: " + strings.Join(problems.Messages(), ", "))
			}
			for _, m := range problems.Messages() {
				warning.Add(r.Context(), m)
			}
		}
	}
	obj := k.New()
	if err := api.DecodeInto(data, obj); err != nil {
		return nil, badBody(err)
	}
	tm2 := obj.GetTypeMeta()
	tm2.APIVersion, tm2.Kind = k.APIVersion(), k.Kind
	return obj, nil
}

func badBody(err error) error {
	var de *api.DecodeError
	if errors.As(err, &de) {
		return apierrors.NewBadRequest(de.Error())
	}
	return apierrors.NewBadRequest(err.Error())
}
