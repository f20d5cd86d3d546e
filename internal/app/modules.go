package app

// The modules of the program, in navigation order. A new module adds one line here.
func init() {
}
