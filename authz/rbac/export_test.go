package rbac

// Changed returns a channel closed at the index's next change, so tests wait for the watch to
// deliver instead of sleeping.
func (a *Authorizer) Changed() <-chan struct{} {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.changed
}
