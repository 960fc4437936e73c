package patch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The seed corpora live in testdata/fuzz/<FuzzName>; a short run of each is part of go test.

// wrapsSentinel reports whether err wraps one of the package's sentinels, as every error must.
func wrapsSentinel(err error) bool {
	for _, s := range []error{ErrInvalidPatch, ErrInvalidDocument, ErrConflict, ErrTooLarge} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// tooDeep reports whether the error is the nesting limit, which encoding/json enforces too but
// reports differently.
func tooDeep(err error) bool {
	return err != nil && strings.Contains(err.Error(), "nesting deeper than")
}

// referenceMergePatch is RFC 7386's pseudo-code over encoding/json, to check MergePatch against.
func referenceMergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
		} else {
			t[k] = referenceMergePatch(t[k], v)
		}
	}
	return t
}

func decodeStd(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("encoding/json cannot decode %q: %v", b, err)
	}
	return v
}

func FuzzMergePatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, original, patch []byte) {
		got, err := MergePatch(original, patch)
		validDoc := len(original) == 0 || json.Valid(original)
		if err != nil {
			if !wrapsSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			if validDoc && json.Valid(patch) && !tooDeep(err) {
				t.Fatalf("valid JSON rejected: %v", err)
			}
			return
		}
		if !validDoc || !json.Valid(patch) {
			t.Fatalf("invalid JSON accepted: %q, %q", original, patch)
		}
		if !json.Valid(got) {
			t.Fatalf("result is not JSON: %q", got)
		}
		// The result is what RFC 7386's algorithm gives, as encoding/json sees it.
		doc := any(map[string]any{})
		if len(original) > 0 {
			doc = decodeStd(t, original)
		}
		want, _ := json.Marshal(referenceMergePatch(doc, decodeStd(t, patch)))
		gotStd, _ := json.Marshal(decodeStd(t, got))
		if !bytes.Equal(want, gotStd) {
			t.Fatalf("MergePatch(%q, %q) = %s, the RFC gives %s", original, patch, gotStd, want)
		}
		// A merge patch is idempotent.
		again, err := MergePatch(got, patch)
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("applying %q twice: %s then %s (%v)", patch, got, again, err)
		}
		// {} changes nothing (when the result is an object).
		if bytes.HasPrefix(got, []byte("{")) {
			same, err := MergePatch(got, []byte(`{}`))
			if err != nil || !bytes.Equal(same, got) {
				t.Fatalf("{} changed %s to %s (%v)", got, same, err)
			}
		}
	})
}

func FuzzJSONPatch(f *testing.F) {
	f.Fuzz(func(t *testing.T, original, patch []byte) {
		got, err := JSONPatch(original, patch)
		if err != nil {
			if !wrapsSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if !json.Valid(got) {
			t.Fatalf("result is not JSON: %q", got)
		}
		if len(got) > MaxDocumentBytes+len(original)+len(patch) {
			t.Fatalf("result of %d bytes grew past the limit", len(got))
		}
		same, err := JSONPatch(got, []byte(`[]`))
		if err != nil || !bytes.Equal(same, got) {
			t.Fatalf("[] changed %s to %s (%v)", got, same, err)
		}
		// The result passes a test of itself.
		test := append(append([]byte(`[{"op":"test","path":"","value":`), got...), "}]"...)
		if _, err := JSONPatch(got, test); err != nil {
			t.Fatalf("the result does not test equal to itself: %v", err)
		}
	})
}

func FuzzStrategicMergePatch(f *testing.F) {
	schema := podSchema(f)
	f.Fuzz(func(t *testing.T, original, patch []byte) {
		// Bytes that are not JSON become a generated patch, so mutations reach the directives.
		if !json.Valid(patch) {
			g := gen{b: patch}
			patch = g.object()
		}
		if !json.Valid(original) {
			g := gen{b: original}
			original = g.object()
		}
		got, err := StrategicMergePatch(original, patch, schema)
		if err != nil {
			if !wrapsSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if !json.Valid(got) {
			t.Fatalf("result is not JSON: %q", got)
		}
		same, err := StrategicMergePatch(got, []byte(`{}`), schema)
		if err != nil || !bytes.Equal(same, got) {
			t.Fatalf("{} changed %s to %s (%v)", got, same, err)
		}
		// Without lists and directives a strategic merge patch is a JSON merge patch.
		if !bytes.ContainsAny(patch, "[$\\") {
			merged, err := MergePatch(original, patch)
			if err != nil || !bytes.Equal(merged, got) {
				t.Fatalf("strategic %s and merge %s differ (%v) for patch %q", got, merged, err, patch)
			}
		}
	})
}

func FuzzApply(f *testing.F) {
	schema := deploymentSchema(f)
	fm := FieldManager{Schema: schema, Now: func() time.Time { return clockAt(0) }}
	f.Fuzz(func(t *testing.T, live, applied []byte, force bool) {
		// A configuration that is not JSON generates two: one another manager applies first, and
		// the one under test, so that mutations reach merging, ownership and pruning rather than
		// stopping at validation. (YAML is covered by the seeds, which are YAML.)
		if !json.Valid(applied) && !bytes.HasPrefix(applied, []byte("apiVersion:")) {
			g := gen{b: applied}
			config := func() []byte {
				c, _ := g.typed(schema.place, 0).(map[string]any)
				if c == nil {
					c = map[string]any{}
				}
				c["apiVersion"], c["kind"] = "apps/v1", "Deployment"
				return encodeJSON(c)
			}
			if out, err := fm.Apply(live, config(), "other", true); err == nil {
				live = out
			}
			applied = config()
		}
		got, err := fm.Apply(live, applied, "fuzz", force)
		if err != nil {
			if !wrapsSentinel(err) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if !json.Valid(got) {
			t.Fatalf("result is not JSON: %q", got)
		}
		v, _ := parseJSON(got)
		if _, err := decodeManagers(v.(map[string]any)); err != nil {
			t.Fatalf("result's managedFields do not decode: %v\n%s", err, got)
		}
		config, _ := decodeApplied(applied)
		if msg := configWins(config, withManagedFields(v.(map[string]any), nil), schema.place); msg != "" {
			t.Fatalf("the configuration does not win: %s\nconfig %s\nresult %s", msg, encodeJSON(config), got)
		}
		// Applying the same configuration again is a no-op. (Unless the object records no
		// managers at all, when the configuration owned nothing: then, as in Kubernetes, the next
		// apply credits what is there to before-first-apply.)
		again, err := fm.Apply(got, applied, "fuzz", false)
		if err != nil {
			t.Fatalf("re-applying: %v\nafter %s", err, got)
		}
		if _, recorded := metadataOf(v.(map[string]any))["managedFields"]; recorded && !bytes.Equal(again, got) {
			t.Fatalf("re-applying changed\n%s\nto\n%s", got, again)
		}
	})
}

// configWins checks that every value an applied configuration sets is in the result.
func configWins(config, result any, f *field) string {
	if isLeaf(f) {
		// Nulls inside an atomic value mean "not set", and are stored that way.
		if config != nil && !deepEqual(dropNulls(config), dropNulls(result)) {
			return fmt.Sprintf("%s instead of %s", brief(result), brief(config))
		}
		return ""
	}
	switch f.schema.kind {
	case kindStruct, kindMap:
		cm, _ := config.(map[string]any)
		rm, _ := result.(map[string]any)
		for k, cv := range cm {
			rv, ok := rm[k]
			if cv == nil {
				if ok && rv != nil && k != "metadata" {
					return fmt.Sprintf("%s: %s instead of null", k, brief(rv))
				}
				continue
			}
			if !ok {
				return k + ": missing"
			}
			if msg := configWins(cv, rv, f.lookup(k)); msg != "" {
				return k + ": " + msg
			}
		}
	case kindList:
		cl, _ := config.([]any)
		rl, _ := result.([]any)
		cpe, _ := listPEs(f, cl, false)
		rpe, _ := listPEs(f, rl, false)
		at := map[pathElement]int{}
		for i, pe := range rpe {
			at[pe] = i
		}
		for i, pe := range cpe {
			j, ok := at[pe]
			if !ok {
				return pe.String() + ": missing"
			}
			if msg := configWins(cl[i], rl[j], f.item); msg != "" {
				return pe.String() + ": " + msg
			}
		}
	}
	return ""
}
