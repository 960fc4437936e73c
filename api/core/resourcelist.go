package core

import "maps"

// DeepCopyInto copies the list into out. A Quantity is a value that shares nothing mutable, so
// the map is cloned wholesale instead of key by key (a Pod copy does this for every container).
func (in ResourceList) DeepCopyInto(out *ResourceList) {
	*out = maps.Clone(in)
}

// DeepCopy returns a copy of the list, or nil.
func (in ResourceList) DeepCopy() ResourceList {
	return maps.Clone(in)
}
