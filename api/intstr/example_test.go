package intstr_test

import (
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/intstr"
)

func Example() {
	maxSurge := intstr.FromString("25%")
	surge, err := intstr.GetScaledValueFromIntOrPercent(&maxSurge, 10, true)
	if err != nil {
		panic(err)
	}
	maxUnavailable := intstr.FromInt32(2)
	unavailable, _ := intstr.GetScaledValueFromIntOrPercent(&maxUnavailable, 10, false)
	fmt.Println(surge, unavailable)

	port := intstr.Parse("http")
	fmt.Println(port.Type == intstr.String, port)
	// Output:
	// 3 2
	// true http
}

func ExampleIntOrString_MarshalJSON() {
	type servicePort struct {
		Port       int32              `json:"port"`
		TargetPort intstr.IntOrString `json:"targetPort"`
	}
	var ports []servicePort
	if err := json.Unmarshal([]byte(`[{"port":80,"targetPort":8080},{"port":443,"targetPort":"https"}]`), &ports); err != nil {
		panic(err)
	}
	for _, p := range ports {
		fmt.Println(p.Port, p.TargetPort.Type == intstr.Int, p.TargetPort)
	}
	out, _ := json.Marshal(ports)
	fmt.Println(string(out))
	// Output:
	// 80 true 8080
	// 443 false https
	// [{"port":80,"targetPort":8080},{"port":443,"targetPort":"https"}]
}
