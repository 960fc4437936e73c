package store

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// continueToken is the decoded form of a continue token, in the shape Kubernetes uses so tokens look
// familiar: the revision the list is read at and the key, relative to the list's prefix, to resume at.
type continueToken struct {
	APIVersion string `json:"v"`
	Revision   int64  `json:"rv"`
	StartKey   string `json:"start"`
}

const continueTokenVersion = "meta.k8s.io/v1"

// EncodeContinue returns the token that resumes a list under prefix at nextKey, read at revision.
func EncodeContinue(prefix, nextKey string, revision int64) (string, error) {
	if !strings.HasPrefix(nextKey, prefix) {
		return "", &OpError{Err: ErrInvalidContinue, Key: nextKey, Detail: "key is outside the list prefix " + prefix}
	}
	b, err := json.Marshal(continueToken{APIVersion: continueTokenVersion, Revision: revision, StartKey: nextKey[len(prefix):]})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// DecodeContinue returns the key to resume a list under prefix at, and the revision of the list.
// Malformed tokens, and tokens that would lead outside prefix, wrap ErrInvalidContinue.
func DecodeContinue(token, prefix string) (startKey string, revision int64, err error) {
	bad := func(detail string) (string, int64, error) {
		return "", 0, &OpError{Err: ErrInvalidContinue, Detail: detail}
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return bad("continue key is not valid: " + err.Error())
	}
	var c continueToken
	if err := json.Unmarshal(b, &c); err != nil {
		return bad("continue key is not valid: " + err.Error())
	}
	if c.APIVersion != continueTokenVersion {
		return bad("continue key is not valid: incorrect encoded start resourceVersion (version " + c.APIVersion + ")")
	}
	if c.Revision <= 0 {
		return bad("continue key is not valid: incorrect encoded start resourceVersion")
	}
	if c.StartKey == "" {
		return bad("continue key is not valid: encoded start key empty")
	}
	// The start key is relative, and must not climb out of the prefix.
	if strings.Contains(c.StartKey, "..") || strings.HasPrefix(c.StartKey, "/") {
		return bad("continue key is not valid: start key escapes the list prefix")
	}
	return prefix + c.StartKey, c.Revision, nil
}
