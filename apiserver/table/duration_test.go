package table

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	const (
		s = time.Second
		m = time.Minute
		h = time.Hour
		y = 365 * day
	)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-2 * s, "<invalid>"},
		{-1999 * time.Millisecond, "0s"}, // up to a second of clock skew is "now"
		{-1 * s, "0s"},
		{0, "0s"},
		{999 * time.Millisecond, "0s"},
		{5 * s, "5s"},
		{119 * s, "119s"},
		{2 * m, "2m"},
		{2*m + 1*s, "2m1s"},
		{3*m + 2*s, "3m2s"},
		{9*m + 59*s, "9m59s"},
		{10 * m, "10m"},
		{10*m + 30*s, "10m"},
		{179 * m, "179m"},
		{3 * h, "3h"},
		{3*h + 25*m, "3h25m"},
		{7*h + 59*m + 59*s, "7h59m"},
		{8 * h, "8h"},
		{47*h + 59*m, "47h"},
		{48 * h, "2d"},
		{2*day + 3*h, "2d3h"},
		{7*day + 23*h, "7d23h"},
		{8 * day, "8d"},
		{729 * day, "729d"},
		{730 * day, "2y"},
		{731 * day, "2y1d"},
		{8*y - day, "7y364d"},
		{8 * y, "8y"},
		{100*y + 200*day, "100y"},
	}
	for _, tt := range tests {
		if got := HumanDuration(tt.d); got != tt.want {
			t.Errorf("HumanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestShortHumanDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-2 * time.Second, "<invalid>"},
		{-time.Second, "0s"},
		{59 * time.Second, "59s"},
		{60 * time.Second, "1m"},
		{59*time.Minute + 59*time.Second, "59m"},
		{time.Hour, "1h"},
		{23 * time.Hour, "23h"},
		{day, "1d"},
		{364 * day, "364d"},
		{365 * day, "1y"},
		{3*365*day + 100*day, "3y"},
	}
	for _, tt := range tests {
		if got := ShortHumanDuration(tt.d); got != tt.want {
			t.Errorf("ShortHumanDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
