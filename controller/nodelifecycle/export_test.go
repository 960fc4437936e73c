package nodelifecycle

// SetAfterPass makes the controller call f after each monitor pass, so that tests which step a
// fake clock can wait for the pass each step starts. Call it before Run.
func SetAfterPass(nc *Controller, f func()) { nc.afterPass = f }
