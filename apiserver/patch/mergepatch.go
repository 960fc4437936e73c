package patch

const opMergePatch = "merge patch"

// MergePatch applies an RFC 7386 JSON merge patch to original and returns the result.
//
// Objects in the patch merge into the document key by key, recursively; a null deletes the key;
// anything else, arrays included, replaces what was there. A patch that is not an object replaces
// the whole document. kubectl label, annotate and scale send merge patches, as does any client
// with Content-Type application/merge-patch+json.
//
// An empty original is treated as {}. Malformed JSON in the patch wraps ErrInvalidPatch; in
// original, ErrInvalidDocument.
func MergePatch(original, patch []byte) ([]byte, error) {
	doc, err := parseDocument(original, opMergePatch)
	if err != nil {
		return nil, err
	}
	p, err := parseJSON(patch)
	if err != nil {
		return nil, &Error{Op: opMergePatch, Msg: err.Error(), Err: ErrInvalidPatch}
	}
	return encodeJSON(mergeValue(doc, p)), nil
}

// parseDocument decodes the document a patch applies to; empty input is an empty object.
func parseDocument(doc []byte, op string) (any, error) {
	if len(doc) == 0 {
		return map[string]any{}, nil
	}
	v, err := parseJSON(doc)
	if err != nil {
		return nil, documentError(op, err)
	}
	return v, nil
}

// mergeValue is RFC 7386's MergePatch(Target, Patch). It reuses target's maps and patch's values,
// which is safe because both were freshly decoded for this call.
func mergeValue(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = make(map[string]any, len(p))
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergeValue(t[k], v)
	}
	return t
}
