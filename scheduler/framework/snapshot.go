package framework

import (
	"bytes"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
)

// Snapshot is the nodes of one scheduling cycle, with their pods: what plugins read through
// Handle.SnapshotSharedLister. The scheduler's cache updates one in place between cycles, copying
// only the nodes whose generation changed; tests make one with NewSnapshot.
type Snapshot struct {
	NodeInfoMap map[string]*NodeInfo
	// NodeInfoList is the nodes in a stable order; the scheduler walks it from a rotating start.
	NodeInfoList             []*NodeInfo
	HavePodsWithAffinity     []*NodeInfo
	HavePodsWithRequiredAnti []*NodeInfo
	Generation               int64
}

// NewSnapshot builds a snapshot of nodes and the pods bound to them (pods whose spec.nodeName
// names none of the nodes are left out).
func NewSnapshot(pods []*core.Pod, nodes []*core.Node) *Snapshot {
	s := &Snapshot{NodeInfoMap: map[string]*NodeInfo{}}
	for _, n := range nodes {
		ni := NewNodeInfo()
		ni.SetNode(n)
		s.NodeInfoMap[n.Name] = ni
		s.NodeInfoList = append(s.NodeInfoList, ni)
	}
	for _, p := range pods {
		if ni, ok := s.NodeInfoMap[p.Spec.NodeName]; ok {
			ni.AddPod(p)
		}
	}
	// Image states, as the scheduler's cache keeps them: each image's size, and how many nodes
	// have it.
	count := map[string]int{}
	for _, n := range nodes {
		for _, img := range n.Status.Images {
			for _, name := range img.Names {
				count[name]++
			}
		}
	}
	for _, n := range nodes {
		states := map[string]*ImageStateSummary{}
		for _, img := range n.Status.Images {
			for _, name := range img.Names {
				states[name] = &ImageStateSummary{Size: img.SizeBytes, NumNodes: count[name]}
			}
		}
		s.NodeInfoMap[n.Name].ImageStates = states
	}
	s.Index()
	return s
}

// Index recomputes the lists of nodes with affinity pods.
func (s *Snapshot) Index() {
	s.HavePodsWithAffinity, s.HavePodsWithRequiredAnti = nil, nil
	for _, ni := range s.NodeInfoList {
		if len(ni.PodsWithAffinity) > 0 {
			s.HavePodsWithAffinity = append(s.HavePodsWithAffinity, ni)
		}
		if len(ni.PodsWithRequiredAntiAffinity) > 0 {
			s.HavePodsWithRequiredAnti = append(s.HavePodsWithRequiredAnti, ni)
		}
	}
}

// NodeInfos returns the snapshot as a NodeInfoLister.
func (s *Snapshot) NodeInfos() NodeInfoLister { return s }

// NumNodes counts the nodes.
func (s *Snapshot) NumNodes() int { return len(s.NodeInfoList) }

// List returns every node.
func (s *Snapshot) List() ([]*NodeInfo, error) { return s.NodeInfoList, nil }

// HavePodsWithAffinityList returns the nodes with pods that have affinity terms.
func (s *Snapshot) HavePodsWithAffinityList() ([]*NodeInfo, error) {
	return s.HavePodsWithAffinity, nil
}

// HavePodsWithRequiredAntiAffinityList returns the nodes with pods that have required
// anti-affinity terms.
func (s *Snapshot) HavePodsWithRequiredAntiAffinityList() ([]*NodeInfo, error) {
	return s.HavePodsWithRequiredAnti, nil
}

// Get returns one node.
func (s *Snapshot) Get(name string) (*NodeInfo, error) {
	ni, ok := s.NodeInfoMap[name]
	if !ok || ni.Node() == nil {
		return nil, fmt.Errorf("framework: node %q not found", name)
	}
	return ni, nil
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
