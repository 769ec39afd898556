// Command bareecho is the performance harness's reference: an Echo server
// answering the harness's two routes with constant JSON, no validation, no
// state, no journal. It is the ceiling iblfake is measured against.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/labstack/echo/v4"
)

const (
	listBody      = `{"status":{"success":true,"description":"Ok"},"result":{"next":null,"previous":null,"count":50,"num_pages":5,"page_number":2,"max_page_size":100,"data":[]}}`
	assertionBody = `{"entityId":"bare","issuedOn":"2026-01-01T00:00:00Z","recipient":{"username":"u"},"revoked":false,"revocationReason":null,"acceptance":"Unaccepted","expires":null,"course":null,"program":null,"metadata":{},"narrative":null,"credentialDetails":null}`
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/health", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/api/credentials/orgs/:org/users/:user_id/", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, []byte(listBody))
	})
	e.POST("/api/credentials/orgs/:org/users/:user_id/:entity_id/assertions/", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, []byte(assertionBody))
	})
	log.Fatal(e.Start(*addr))
}
