package table

import (
	"strconv"
	"time"
)

// HumanDuration writes d with two or three significant figures, as kubectl's AGE column shows it:
// "45s", "3m2s", "12m", "5h30m", "20h", "2d3h", "30d", "2y100d", "9y". A duration shorter than
// -1s (clock skew beyond tolerance) is "<invalid>"; one of -1s to 0 is "0s". Kubernetes'
// k8s.io/apimachinery/pkg/util/duration.HumanDuration behaves the same.
func HumanDuration(d time.Duration) string {
	seconds := int64(d / time.Second)
	switch {
	case seconds < -1:
		return "<invalid>"
	case seconds < 0:
		return "0s"
	case seconds < 2*60:
		return itoa(seconds) + "s"
	}
	minutes := int64(d / time.Minute)
	switch {
	case minutes < 10:
		return pair(minutes, "m", seconds%60, "s")
	case minutes < 3*60:
		return itoa(minutes) + "m"
	}
	hours := int64(d / time.Hour)
	switch {
	case hours < 8:
		return pair(hours, "h", minutes%60, "m")
	case hours < 48:
		return itoa(hours) + "h"
	case hours < 8*24:
		return pair(hours/24, "d", hours%24, "h")
	case hours < 2*365*24:
		return itoa(hours/24) + "d"
	case hours < 8*365*24:
		days := hours / 24
		return pair(days/365, "y", days%365, "d")
	}
	return itoa(hours/24/365) + "y"
}

// ShortHumanDuration writes d with one unit: "45s", "12m", "5h", "30d", "2y". Its bounds for
// "<invalid>" and "0s" are HumanDuration's.
func ShortHumanDuration(d time.Duration) string {
	seconds := int64(d / time.Second)
	switch {
	case seconds < -1:
		return "<invalid>"
	case seconds < 0:
		return "0s"
	case seconds < 60:
		return itoa(seconds) + "s"
	}
	if minutes := int64(d / time.Minute); minutes < 60 {
		return itoa(minutes) + "m"
	}
	hours := int64(d / time.Hour)
	switch {
	case hours < 24:
		return itoa(hours) + "h"
	case hours < 365*24:
		return itoa(hours/24) + "d"
	}
	return itoa(hours/24/365) + "y"
}

// pair writes "<major><unit>", followed by "<minor><unit>" unless minor is zero.
func pair(major int64, majorUnit string, minor int64, minorUnit string) string {
	if minor == 0 {
		return itoa(major) + majorUnit
	}
	return itoa(major) + majorUnit + itoa(minor) + minorUnit
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// age is the AGE cell of an object created (or an event seen) at t: "<unknown>" when t is unset.
func age(t time.Time, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return HumanDuration(now.Sub(t))
}
