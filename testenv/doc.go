// Package testenv starts a real control plane inside a test, in milliseconds: an in-memory store,
// the real API server (every filter, admission and validation) reached through its in-process
// transport, clients, and informers. No binaries to download, no ports, no processes.
//
//	func TestMyController(t *testing.T) {
//		env := testenv.Start(t, testenv.Options{})
//		pods := client.For[*core.Pod](env.Client())
//		...
//	}
//
// Everything stops when the test ends.
package testenv
