package audit

import (
	"context"
	"testing"
)

func TestSetRequestObject(t *testing.T) {
	for _, tc := range []struct {
		level, already, want string
	}{
		{LevelMetadata, "", ""},
		{LevelRequest, "", `{"kind":"Pod"}`},
		{LevelRequestResponse, "", `{"kind":"Pod"}`},
		{LevelRequest, `{"kind":"Sent"}`, `{"kind":"Sent"}`}, // the filter's copy of a JSON body stays
	} {
		ev := &Event{Level: tc.level, RequestObject: []byte(tc.already)}
		body := []byte(`{"kind":"Pod"}`)
		SetRequestObject(WithEvent(context.Background(), ev), body)
		body[2] = 'X' // the event must hold its own copy
		if string(ev.RequestObject) != tc.want {
			t.Errorf("level %s with %q: requestObject %q, want %q", tc.level, tc.already, ev.RequestObject, tc.want)
		}
	}
	SetRequestObject(context.Background(), []byte(`{}`)) // no event: nothing to do, no panic
}
