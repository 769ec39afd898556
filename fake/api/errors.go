// Package api holds what every resource package of the fake shares: the
// vendor-shaped error type, JSON responses, paging, the request's tenant and
// the dependencies (store, clock, ids) handlers work with.
package api

import (
	"net/http"
)

// Error is an error the client sees: a status and a body in the shape Django
// REST Framework gives it (FIDELITY.md). The server's error handler is the
// one place that writes it.
type Error struct {
	Status int
	// Body is encoded as JSON; nil means no body at all.
	Body any
	// Header is added to the response.
	Header http.Header
}

func (e *Error) Error() string { return http.StatusText(e.Status) }

// Messages the real service (DRF) uses, kept as constants so tests assert the
// exact text.
const (
	MsgNotAuthenticated = "Authentication credentials were not provided."
	MsgInvalidToken     = "Invalid token."
	MsgNoCredentials    = "Invalid token header. No credentials provided."
	MsgTokenSpaces      = "Invalid token header. Token string should not contain spaces."
	MsgForbidden        = "You do not have permission to perform this action."
	MsgNotFound         = "Not found."
	MsgRequired         = "This field is required."
	MsgInvalidPage      = "Invalid page."
	MsgServerError      = "A server error occurred."
)

// Detail returns an error with body {"detail": msg}.
func Detail(status int, msg string) *Error {
	return &Error{Status: status, Body: map[string]any{"detail": msg}}
}

// NotFound is DRF's 404 for an entity that does not exist.
func NotFound() *Error { return Detail(http.StatusNotFound, MsgNotFound) }

// Field is a 400 for one field: {"field": ["msg"]}.
func Field(field, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Body: map[string]any{field: []string{msg}}}
}

// Fields is a 400 with several field errors, already in DRF's shape.
func Fields(errs map[string]any) *Error {
	return &Error{Status: http.StatusBadRequest, Body: errs}
}

// NonField is a 400 for a cross-field rule: {"non_field_errors": ["msg"]}.
func NonField(msg string) *Error { return Field("non_field_errors", msg) }

// Empty is an error with a status and no body.
func Empty(status int) *Error { return &Error{Status: status} }

// HTML is an Error body sent as a text/html page rather than JSON: Django's
// own pages, for what fails before DRF's view runs.
type HTML string

// MsgInvalidEmail is Django's EmailValidator message.
const MsgInvalidEmail = "Enter a valid email address."
