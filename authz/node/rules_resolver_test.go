package node_test

import (
	"context"
	"errors"
	"testing"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/node"
)

func TestResolveRules(t *testing.T) {
	a := node.New(nil, node.Options{})
	tests := []struct {
		name           string
		user           authn.User
		wantIncomplete bool
		wantErr        string
	}{
		{"a kubelet's rights depend on its pods: no list", authn.User{Name: "system:node:n1", Groups: []string{"system:nodes"}},
			true, "node authorizer does not support user rule resolution"},
		{"anyone else gets nothing from this authorizer", authn.User{Name: "jane"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, n, incomplete, err := a.ResolveRules(context.Background(), tt.user, "dev")
			if len(r) != 0 || len(n) != 0 || incomplete != tt.wantIncomplete {
				t.Errorf("rules %v %v, incomplete %v", r, n, incomplete)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr || !errors.Is(err, authz.ErrRulesUnsupported)):
				t.Errorf("error %v, want %q wrapping ErrRulesUnsupported", err, tt.wantErr)
			}
		})
	}
}
