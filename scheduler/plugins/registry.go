// Package plugins assembles the default plugins: the registry of every in-tree plugin, and the
// default profile's plugins with Kubernetes' score weights.
package plugins

import (
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
	"github.com/skiff-io/skiff/scheduler/plugins/defaultbinder"
	"github.com/skiff-io/skiff/scheduler/plugins/defaultpreemption"
	"github.com/skiff-io/skiff/scheduler/plugins/imagelocality"
	"github.com/skiff-io/skiff/scheduler/plugins/interpodaffinity"
	"github.com/skiff-io/skiff/scheduler/plugins/nodeaffinity"
	"github.com/skiff-io/skiff/scheduler/plugins/nodename"
	"github.com/skiff-io/skiff/scheduler/plugins/nodeports"
	"github.com/skiff-io/skiff/scheduler/plugins/noderesources"
	"github.com/skiff-io/skiff/scheduler/plugins/nodeunschedulable"
	"github.com/skiff-io/skiff/scheduler/plugins/podtopologyspread"
	"github.com/skiff-io/skiff/scheduler/plugins/queuesort"
	"github.com/skiff-io/skiff/scheduler/plugins/schedulinggates"
	"github.com/skiff-io/skiff/scheduler/plugins/tainttoleration"
)

// NewInTreeRegistry returns a registry of every plugin in scheduler/plugins.
func NewInTreeRegistry() framework.Registry {
	return framework.Registry{
		queuesort.Name:                       queuesort.New,
		schedulinggates.Name:                 schedulinggates.New,
		nodeunschedulable.Name:               nodeunschedulable.New,
		nodename.Name:                        nodename.New,
		tainttoleration.Name:                 tainttoleration.New,
		nodeaffinity.Name:                    nodeaffinity.New,
		nodeports.Name:                       nodeports.New,
		noderesources.Name:                   noderesources.New,
		noderesources.BalancedAllocationName: noderesources.NewBalancedAllocation,
		imagelocality.Name:                   imagelocality.New,
		podtopologyspread.Name:               podtopologyspread.New,
		interpodaffinity.Name:                interpodaffinity.New,
		defaultpreemption.Name:               defaultpreemption.New,
		defaultbinder.Name:                   defaultbinder.New,
	}
}

// DefaultMultiPoint is the default profile's plugins, in Kubernetes' order, each enabled at every
// extension point it implements, with Kubernetes' score weights.
func DefaultMultiPoint() []runtime.PluginRef {
	return []runtime.PluginRef{
		{Name: schedulinggates.Name},
		{Name: queuesort.Name},
		{Name: nodeunschedulable.Name},
		{Name: nodename.Name},
		{Name: tainttoleration.Name, Weight: 3},
		{Name: nodeaffinity.Name, Weight: 2},
		{Name: nodeports.Name},
		{Name: noderesources.Name, Weight: 1},
		{Name: podtopologyspread.Name, Weight: 2},
		{Name: interpodaffinity.Name, Weight: 2},
		{Name: defaultpreemption.Name},
		{Name: noderesources.BalancedAllocationName, Weight: 1},
		{Name: imagelocality.Name, Weight: 1},
		{Name: defaultbinder.Name},
	}
}
