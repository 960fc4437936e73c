package labels

import "testing"

func BenchmarkParse(b *testing.B) {
	const s = "app=web,tier in (frontend,edge),!canary,environment notin (dev,test),release>3"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatches(b *testing.B) {
	sel, err := Parse("app=web,tier in (frontend,edge),!canary")
	if err != nil {
		b.Fatal(err)
	}
	ls := Set{
		"app":                         "web",
		"tier":                        "edge",
		"environment":                 "production",
		"release":                     "42",
		"team":                        "payments",
		"version":                     "v1.2.3",
		"app.kubernetes.io/name":      "checkout",
		"app.kubernetes.io/component": "api",
		"app.kubernetes.io/part-of":   "shop",
		"pod-template-hash":           "6d4cf56db6",
	}
	b.ReportAllocs()
	for b.Loop() {
		if !sel.Matches(ls) {
			b.Fatal("selector should match")
		}
	}
}

func TestMatchesDoesNotAllocate(t *testing.T) {
	sel := mustParse(t, "app=web,tier in (frontend,edge),!canary,release>3,env notin (dev)")
	ls := Set{"app": "web", "tier": "edge", "release": "x42"}
	if n := testing.AllocsPerRun(100, func() { sel.Matches(ls) }); n != 0 {
		t.Errorf("Matches allocated %v times per call, want 0", n)
	}
}
