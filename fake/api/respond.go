package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// JSON writes v with status as application/json. Unlike Echo's default it
// does not escape <, > and & (Django REST Framework does not either).
func JSON(c echo.Context, status int, v any) error {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 { // a rare huge answer is not kept
			buf.Reset()
			jsonBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b := bytes.TrimRight(buf.Bytes(), "\n")
	// Django's CommonMiddleware sets Content-Length on every non-streaming
	// response; without it net/http would chunk any answer over its 2 KiB
	// buffer (a page of credentials).
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(b)))
	// Blob writes the bytes out before returning, so the buffer is free
	// again afterwards.
	return c.Blob(status, echo.MIMEApplicationJSON, b)
}

// jsonBuffers recycles the buffers answers are encoded into: a page of
// credentials is tens of kilobytes, grown from nothing on every request.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Status is the {"status": {"success": true, "description": ...}} block that
// wraps credential and issuer responses.
type Status struct {
	Success     bool   `json:"success"`
	Description string `json:"description"`
}

// Wrapped writes {"status": {...description}, "result": result} with 200.
func Wrapped(c echo.Context, description string, result any) error {
	return WrappedStatus(c, http.StatusOK, description, result)
}

// WrappedStatus is Wrapped with another status: the create-or-update
// operations of provider configs and mappings answer 201 when they create
// (FIDELITY.md, create status).
func WrappedStatus(c echo.Context, status int, description string, result any) error {
	return JSON(c, status, struct {
		Status Status `json:"status"`
		Result any    `json:"result"`
	}{Status{true, description}, result})
}

// StatusOnly writes {"status": {...description}} with 200.
func StatusOnly(c echo.Context, description string) error {
	return JSON(c, http.StatusOK, struct {
		Status Status `json:"status"`
	}{Status{true, description}})
}

// Encode is v as JSON answers carry it: HTML characters unescaped, no
// trailing newline. The result is the caller's.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// JSONBytes writes an encoded JSON body with status, as JSON does.
func JSONBytes(c echo.Context, status int, b []byte) error {
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(b)))
	return c.Blob(status, echo.MIMEApplicationJSON, b)
}
