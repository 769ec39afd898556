// Command bareecho is the performance harness's reference: an Echo server
// that answers each of the harness's cells with the very bytes the fake
// answered it (status, headers and body, captured by the harness from the
// fake at start-up and handed over in a cells file), as a constant: no
// validation, no state, no journal. Serving the same bytes makes it the fair
// ceiling for the fake, since writing a 7 KB page costs the server (and the
// loopback) more than writing an empty one.
//
//	bareecho --addr 127.0.0.1:PORT --cells cells.json
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"
)

// Cell is one route the reference answers and what it answers; the
// harness (perf/cells.go) writes a JSON array of them.
type Cell struct {
	Method string `json:"method"`
	// Route is an Echo route (":name" segments), so that the reference
	// routes as much as any Echo server does.
	Route   string            `json:"route"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    []byte            `json:"body"` // base64 in the file
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	cellsFile := flag.String("cells", "", "JSON file of the cells to answer (written by go run ./perf)")
	flag.Parse()
	var cells []Cell
	if *cellsFile != "" {
		raw, err := os.ReadFile(*cellsFile)
		if err != nil {
			log.Fatal(err)
		}
		if err := json.Unmarshal(raw, &cells); err != nil {
			log.Fatalf("%s: %v", *cellsFile, err)
		}
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/health", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	for _, cell := range cells {
		e.Add(cell.Method, cell.Route, answer(cell))
	}
	log.Fatal(e.Start(*addr))
}

// answer writes the cell's headers and body as they are, every time.
func answer(cell Cell) echo.HandlerFunc {
	ct := cell.Headers["Content-Type"]
	return func(c echo.Context) error {
		h := c.Response().Header()
		for k, v := range cell.Headers {
			h.Set(k, v)
		}
		return c.Blob(cell.Status, ct, cell.Body)
	}
}
