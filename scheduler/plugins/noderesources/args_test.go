package noderesources_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/scheduler/plugins/noderesources"
)

func TestFitArgsDefaults(t *testing.T) {
	cpuMem := []noderesources.ResourceSpec{{Name: "cpu", Weight: 1}, {Name: "memory", Weight: 1}}
	for _, tc := range []struct {
		name string
		in   noderesources.FitArgs
		want noderesources.FitArgs
	}{
		{"nothing set: LeastAllocated over cpu and memory", noderesources.FitArgs{},
			noderesources.FitArgs{ScoringStrategy: &noderesources.ScoringStrategy{Type: noderesources.LeastAllocated, Resources: cpuMem}}},
		{"a strategy without resources scores cpu and memory",
			noderesources.FitArgs{ScoringStrategy: &noderesources.ScoringStrategy{Type: noderesources.MostAllocated}},
			noderesources.FitArgs{ScoringStrategy: &noderesources.ScoringStrategy{Type: noderesources.MostAllocated, Resources: cpuMem}}},
		{"a weight of 0 becomes 1",
			noderesources.FitArgs{ScoringStrategy: &noderesources.ScoringStrategy{Type: noderesources.MostAllocated,
				Resources: []noderesources.ResourceSpec{{Name: "nvidia.com/gpu"}, {Name: "cpu", Weight: 3}}}},
			noderesources.FitArgs{ScoringStrategy: &noderesources.ScoringStrategy{Type: noderesources.MostAllocated,
				Resources: []noderesources.ResourceSpec{{Name: "nvidia.com/gpu", Weight: 1}, {Name: "cpu", Weight: 3}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.SetDefaults()
			if diff := cmp.Diff(tc.want, tc.in); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	var ba noderesources.BalancedAllocationArgs
	ba.SetDefaults()
	if diff := cmp.Diff(cpuMem, ba.Resources); diff != "" {
		t.Errorf("balanced allocation defaults (-want +got)\n%s", diff)
	}
}

func TestFitArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, args string
		want       string // a substring of the error
	}{
		{"negative weight", `{"scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "memory", "weight": -1}, {"name": "cpu", "weight": 1}]}}`,
			"scoringStrategy.resources[0].weight: Invalid value: -1: resource weight of memory not in valid range (0, 100]"},
		{"weight larger than MaxNodeScore", `{"scoringStrategy": {"type": "MostAllocated", "resources": [{"name": "memory", "weight": 1}, {"name": "cpu", "weight": 101}]}}`,
			"scoringStrategy.resources[1].weight: Invalid value: 101"},
		{"unknown strategy", `{"scoringStrategy": {"type": "Random"}}`, `scoringStrategy.type: Unsupported value: "Random"`},
		{"no shape", `{"scoringStrategy": {"type": "RequestedToCapacityRatio"}}`, "scoringStrategy.requestedToCapacityRatio: Required value"},
		{"empty shape", `{"scoringStrategy": {"type": "RequestedToCapacityRatio", "requestedToCapacityRatio": {"shape": []}}}`,
			"scoringStrategy.shape: Required value: at least one point must be specified"},
		{"unsorted shape", `{"scoringStrategy": {"type": "RequestedToCapacityRatio", "requestedToCapacityRatio": {"shape": [{"utilization": 50, "score": 1}, {"utilization": 10, "score": 2}]}}}`,
			"scoringStrategy.shape[1].utilization: Invalid value: 10: values must be sorted in increasing order"},
		{"shape out of range", `{"scoringStrategy": {"type": "RequestedToCapacityRatio", "requestedToCapacityRatio": {"shape": [{"utilization": 101, "score": 11}]}}}`,
			"scoringStrategy.shape[0].score: Invalid value: 11: not in valid range [0, 10]"},
		{"ignored resource group with a slash", `{"ignoredResourceGroups": ["example.com/aaa"]}`,
			"ignoredResourceGroups[0]: Invalid value: \"example.com/aaa\": resource group name can't contain '/'"},
		{"ignored resource not a qualified name", `{"ignoredResources": ["-bad"]}`, "ignoredResources[0]"},
		{"unknown field", `{"ignoredResource": ["example.com/aaa"]}`, "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := noderesources.New(context.Background(), json.RawMessage(tc.args), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			var agg field.AggregateError
			if tc.name != "unknown field" && !errors.As(err, &agg) {
				t.Errorf("%v is not a field error list", err)
			}
		})
	}
}

func TestFitArgsAccepted(t *testing.T) {
	for _, args := range []string{
		`{"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "NodeResourcesFitArgs", "ignoredResources": ["example.com/aaa"], "ignoredResourceGroups": ["example.com"]}`,
		`{"scoringStrategy": {"type": "RequestedToCapacityRatio", "requestedToCapacityRatio": {"shape": [{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]}}}`,
		`{"scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 0}]}}`,
		`null`,
	} {
		if _, err := noderesources.New(context.Background(), json.RawMessage(args), nil); err != nil {
			t.Errorf("%s: %v", args, err)
		}
	}
}

func TestBalancedAllocationArgsErrors(t *testing.T) {
	for args, want := range map[string]string{
		`{"resources": [{"name": "cpu", "weight": 2}]}`:     "resources[0].weight: Invalid value: 2: must be 1",
		`{"resources": [{"name": "cpu"}, {"name": "cpu"}]}`: `resources[1].name: Duplicate value: "cpu"`,
		`{"resources": [], "weights": 1}`:                   "unknown field",
	} {
		if _, err := noderesources.NewBalancedAllocation(context.Background(), json.RawMessage(args), nil); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", args, err, want)
		}
	}
}
