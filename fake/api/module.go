package api

import (
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// Module is one domain package (credentials, catalog, ...) as the server
// wires it. New takes every module through these methods alone, so a
// module cannot mount a route the server does not guard: vendor operations
// get the vendor pipeline (scenarios, auth, validation, journal), admin
// routes the one /_fake group behind the admin token and its body limit.
type Module interface {
	// Operations maps each operationId the module serves to its handler;
	// every id is spelled out literally once in the module.
	Operations() map[string]echo.HandlerFunc
	// Entity returns the stored entity a vendor request addresses, as the
	// API renders it, for scenario rules' when clauses and templates. It
	// runs after the request is authenticated and authorised.
	Entity(c echo.Context) (map[string]any, bool)
	// AdminRoutes are the module's routes under /_fake/ (Path relative to
	// it, e.g. "/groups").
	AdminRoutes() []Route
	// MediaRoutes are public routes outside the vendor document (uploaded
	// files at their media URLs).
	MediaRoutes() []Route
	// TenantScopes says how each bucket the module writes belongs to a
	// tenant, for per-tenant export and import.
	TenantScopes() []store.Scope
}

// Route is a non-vendor route a module serves.
type Route struct {
	Method  string
	Path    string // Echo syntax
	Handler echo.HandlerFunc
	// MaxBody bounds the request body of an admin route (0: the admin
	// surface's default limit).
	MaxBody int64
}
