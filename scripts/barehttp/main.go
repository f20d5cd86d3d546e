// Command barehttp is the yardstick of the platform benchmark (scripts/bench-platform.sh):
// a bare net/http server that answers every request with a small JSON body, so that the
// program's requests per second can be given as a ratio of what net/http alone does on
// the same machine in the same run.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	flag.Parse()
	body := []byte(`{"user":{"id":1,"username":"admin"},"region_name":"四川省"}` + "\n")
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// the script reads the address from this line
	fmt.Fprintf(os.Stdout, "listening on http://%s/\n", ln.Addr())
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	})))
}
