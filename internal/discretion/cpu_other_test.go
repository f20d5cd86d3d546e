//go:build !unix

package discretion

func cpuSeconds() float64 { return 0 }
