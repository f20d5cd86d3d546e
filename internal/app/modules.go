package app

import "tongcheng/internal/discretion"

// The modules of the program, in navigation order. A new module adds one line here.
func init() {
	Register(discretion.NewModule())
}
