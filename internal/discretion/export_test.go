package discretion

// CPUSeconds is cpuSeconds for the package's external tests.
var CPUSeconds = cpuSeconds
