package equality_test

import (
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
)

func TestDeepEqual(t *testing.T) {
	type inner struct {
		Q resource.Quantity
		T meta.Time
	}
	type outer struct {
		S   []string
		M   map[string]resource.Quantity
		P   *inner
		Any any
	}
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"equal quantities written differently", resource.MustParse("1"), resource.MustParse("1000m"), true},
		{"different quantities", resource.MustParse("1"), resource.MustParse("2"), false},
		{"same instant, other zone", meta.NewTime(now), meta.NewTime(now.In(time.FixedZone("x", 7200))), true},
		{"micro times", meta.NewMicroTime(now), meta.NewMicroTime(now.Add(time.Microsecond)), false},
		{"nil and empty slices", outer{S: nil}, outer{S: []string{}}, true},
		{"nil and empty maps", outer{M: nil}, outer{M: map[string]resource.Quantity{}}, true},
		{"nested", outer{P: &inner{Q: resource.MustParse("1Gi")}, M: map[string]resource.Quantity{"a": resource.MustParse("0.5")}},
			outer{P: &inner{Q: resource.MustParse("1024Mi")}, M: map[string]resource.Quantity{"a": resource.MustParse("500m")}}, true},
		{"nil and non-nil pointer", outer{P: nil}, outer{P: &inner{}}, false},
		{"interfaces of different types", outer{Any: 1}, outer{Any: "1"}, false},
		{"different types", 1, int64(1), false},
		{"nil", nil, nil, true},
	}
	for _, tt := range tests {
		if got := equality.DeepEqual(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
