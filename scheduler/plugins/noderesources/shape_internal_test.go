package noderesources

import "testing"

// Kubernetes' TestBrokenLinearFunction.
func TestShapeAt(t *testing.T) {
	for _, tc := range []struct {
		shape []shapePoint
		at    map[int64]int64
	}{
		{[]shapePoint{{10, 1}, {90, 9}},
			map[int64]int64{-10: 1, 0: 1, 9: 1, 10: 1, 15: 1, 19: 1, 20: 2, 89: 8, 90: 9, 99: 9, 100: 9, 110: 9}},
		{[]shapePoint{{0, 2}, {40, 10}, {100, 0}},
			map[int64]int64{-10: 2, 0: 2, 20: 6, 30: 8, 40: 10, 70: 5, 100: 0, 110: 0}},
		{[]shapePoint{{0, 2}, {40, 2}, {100, 2}},
			map[int64]int64{-10: 2, 0: 2, 20: 2, 30: 2, 40: 2, 70: 2, 100: 2, 110: 2}},
	} {
		for p, want := range tc.at {
			if got := shapeAt(tc.shape, p); got != want {
				t.Errorf("%v at %d = %d, want %d", tc.shape, p, got, want)
			}
		}
	}
	if got := newShape([]UtilizationShapePoint{{Utilization: 50, Score: 7}}); got[0] != (shapePoint{50, 70}) {
		t.Errorf("scores are not scaled to MaxNodeScore: %v", got)
	}
}
