package imagelocality

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name in the registry and in the scheduler's configuration.
const Name = "ImageLocality"

// The bounds of the image score range: the sum of a pod's present images counts from
// minThreshold (23MiB) up to maxContainerThreshold (1000MiB) per container. They bracket the
// compressed size of nine images in ten on Docker Hub, so tiny images earn nothing and one huge
// image does not outweigh every other plugin.
const (
	mb                    int64 = 1024 * 1024
	minThreshold          int64 = 23 * mb
	maxContainerThreshold int64 = 1000 * mb
)

const preScoreStateKey framework.StateKey = "PreScore" + Name

// ImageLocality is the plugin: a score that prefers nodes which already have the pod's
// container images, so that the pod starts without pulling them.
type ImageLocality struct {
	handle framework.Handle
}

var (
	_ framework.PreScorePlugin = (*ImageLocality)(nil)
	_ framework.ScorePlugin    = (*ImageLocality)(nil)
)

// New makes the plugin; it takes no arguments (an empty object or null is accepted).
func New(_ context.Context, args json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	var none struct {
		meta.TypeMeta `json:",inline"`
	}
	if err := framework.DecodeArgs(args, &none); err != nil {
		return nil, fmt.Errorf("imagelocality: %w", err)
	}
	return &ImageLocality{handle: h}, nil
}

// Name returns Name.
func (pl *ImageLocality) Name() string { return Name }

// preScoreState is what Score needs of the pod and the cluster, computed once per cycle.
type preScoreState struct {
	// images are the normalized images of the pod's init containers and containers, one per
	// container (an image used twice counts twice, as in Kubernetes).
	images []string
	// numNodes[i] is how many nodes of the snapshot have images[i], counted from the nodes'
	// status for nodes whose NodeInfo.ImageStates the cache left empty.
	numNodes []int
	// totalNumNodes is the number of nodes in the snapshot.
	totalNumNodes int
}

// Clone returns s: the state is read-only.
func (s *preScoreState) Clone() framework.StateData { return s }

// PreScore notes the pod's images and the number of nodes.
func (pl *ImageLocality) PreScore(_ context.Context, state *framework.CycleState, pod *core.Pod, _ []*framework.NodeInfo) *framework.Status {
	s, err := pl.computeState(pod)
	if err != nil {
		return framework.AsStatus(err)
	}
	state.Write(preScoreStateKey, s)
	return nil
}

func (pl *ImageLocality) computeState(pod *core.Pod) (*preScoreState, error) {
	all, err := pl.handle.SnapshotSharedLister().NodeInfos().List()
	if err != nil {
		return nil, fmt.Errorf("imagelocality: listing nodes: %w", err)
	}
	s := &preScoreState{totalNumNodes: len(all)}
	for _, cs := range [][]core.Container{pod.Spec.InitContainers, pod.Spec.Containers} {
		for i := range cs {
			s.images = append(s.images, normalizedImageName(cs[i].Image))
		}
	}
	// The cache (and framework.NewSnapshot) fill every NodeInfo's ImageStates; counting from the
	// nodes' status would walk every node once per pod.
	return s, nil
}

// imageInStatus returns the size of the image when the node's status lists it under name.
func imageInStatus(n *core.Node, name string) (int64, bool) {
	for i := range n.Status.Images {
		for _, nm := range n.Status.Images[i].Names {
			if nm == name {
				return n.Status.Images[i].SizeBytes, true
			}
		}
	}
	return 0, false
}

// Score is MaxNodeScore * (sum - 23MiB) / (1000MiB * containers - 23MiB), where sum adds, for
// each of the pod's images on the node, its size scaled by the share of nodes that have it (an
// image on every node does not make one node better than another), clamped to the bounds.
func (pl *ImageLocality) Score(_ context.Context, state *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	if ni.Node() == nil {
		return 0, framework.AsStatus(errors.New("imagelocality: node not found"))
	}
	var s *preScoreState
	var err error
	if c, err := state.Read(preScoreStateKey); err == nil {
		s, _ = c.(*preScoreState)
	}
	if s == nil {
		if s, err = pl.computeState(pod); err != nil {
			return 0, framework.AsStatus(err)
		}
	}
	return calculatePriority(sumImageScores(ni, s), len(s.images)), nil
}

// ScoreExtensions returns nil: scores are already on the 0 to MaxNodeScore scale.
func (pl *ImageLocality) ScoreExtensions() framework.ScoreExtensions { return nil }

// sumImageScores adds the scaled sizes of the pod's images present on the node.
func sumImageScores(ni *framework.NodeInfo, s *preScoreState) int64 {
	if s.totalNumNodes == 0 {
		return 0
	}
	var sum int64
	if len(ni.ImageStates) > 0 {
		for _, img := range s.images {
			if st, ok := ni.ImageStates[img]; ok {
				sum += scaledImageScore(st.Size, st.NumNodes, s.totalNumNodes)
			}
		}
		return sum
	}
	n := ni.Node()
	if n == nil || len(n.Status.Images) == 0 || s.numNodes == nil {
		return 0
	}
	for i, img := range s.images {
		if size, ok := imageInStatus(n, img); ok {
			sum += scaledImageScore(size, s.numNodes[i], s.totalNumNodes)
		}
	}
	return sum
}

// scaledImageScore is the image's size times the share of nodes that have it. Scaling by the
// spread avoids the "node heating problem": without it, pods of a new image would pile onto the
// few nodes that pulled it first.
func scaledImageScore(size int64, numNodes, totalNumNodes int) int64 {
	spread := float64(numNodes) / float64(totalNumNodes)
	return int64(float64(size) * spread)
}

// calculatePriority maps the sum onto 0 to MaxNodeScore between the thresholds.
func calculatePriority(sum int64, numContainers int) int64 {
	maxThreshold := maxContainerThreshold * int64(numContainers)
	if sum < minThreshold {
		sum = minThreshold
	} else if sum > maxThreshold {
		sum = maxThreshold
	}
	return framework.MaxNodeScore * (sum - minThreshold) / (maxThreshold - minThreshold)
}

// normalizedImageName adds ":latest" to an image named without a tag or digest, matching how
// the container runtime reports images in the node's status.
func normalizedImageName(name string) string {
	if strings.LastIndex(name, ":") <= strings.LastIndex(name, "/") {
		return name + ":latest"
	}
	return name
}
