// The e2e's Go service, as a team would write it: net/http of the standard library only, no OpenTelemetry
// code, built without stripping (the Go agent reads the binary's symbols). Serves
//
//	GET /rolldice       a random number from 1 to 6, as text
//	GET /hello/{name}   a greeting (a Go 1.22 ServeMux pattern)
//	GET /roll-twice     two rolls, one its own, one from its /rolldice over HTTP (an HTTP client call)
//	GET /healthz        ok
//
// Listens on $PORT of every address (8095 unless set; 0: a free port) and prints "LISTENING <port>".
package main

import (
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8095"
	}
	listener, err := net.Listen("tcp", ":"+port)
	if err != nil {
		log.Fatal(err)
	}
	self := "http://127.0.0.1:" + strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rolldice", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, strconv.Itoa(1+rand.IntN(6)))
	})
	mux.HandleFunc("GET /hello/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "hello %s\n", r.PathValue("name"))
	})
	mux.HandleFunc("GET /roll-twice", func(w http.ResponseWriter, r *http.Request) {
		response, err := http.Get(self + "/rolldice")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer response.Body.Close()
		other, err := io.ReadAll(response.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "%d %s", 1+rand.IntN(6), other)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "ok")
	})
	fmt.Printf("LISTENING %d\n", listener.Addr().(*net.TCPAddr).Port)
	log.Fatal(http.Serve(listener, mux))
}
