package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"
)

// Page is one page of a page-number paginated list.
type Page struct {
	Number   int // 1-based
	Size     int
	MaxSize  int
	Count    int // items in the whole list
	NumPages int
}

// ParsePage reads page and page_size the way the vendor's DRF paginator
// does: page_size above max is clamped to max, a missing or non-positive
// page_size takes def; page must exist (1 when the list is empty) or the
// answer is 404 {"detail": "Invalid page."}.
func ParsePage(c echo.Context, count, def, max int) (Page, error) {
	size := def
	if s := c.QueryParam("page_size"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			size = min(n, max)
		}
	}
	p := Page{Number: 1, Size: size, MaxSize: max, Count: count}
	p.NumPages = (count + size - 1) / size
	if p.NumPages == 0 {
		p.NumPages = 1
	}
	if s := c.QueryParam("page"); s != "" && s != "last" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > p.NumPages {
			return p, Detail(http.StatusNotFound, MsgInvalidPage)
		}
		p.Number = n
	} else if s == "last" {
		p.Number = p.NumPages
	}
	return p, nil
}

// Bounds returns the slice bounds of the page within the whole list.
func (p Page) Bounds() (lo, hi int) {
	lo = (p.Number - 1) * p.Size
	hi = min(lo+p.Size, p.Count)
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// Links returns the absolute next and previous URLs (nil at the ends), built
// from the request as DRF's get_next_link does.
func (p Page) Links(c echo.Context) (next, previous *string) {
	link := func(n int) *string {
		req := c.Request()
		u := url.URL{Scheme: c.Scheme(), Host: req.Host, Path: req.URL.Path}
		q := req.URL.Query()
		if n == 1 && len(q["page"]) > 0 {
			q.Del("page") // DRF drops page=1 from the previous link
		} else if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		u.RawQuery = q.Encode()
		s := u.String()
		return &s
	}
	if p.Number < p.NumPages {
		next = link(p.Number + 1)
	}
	if p.Number > 1 {
		previous = link(p.Number - 1)
	}
	return next, previous
}

// PageNumberBody is the vendor's page-number envelope
// {next, previous, count, num_pages, page_number, max_page_size, data}.
type PageNumberBody struct {
	Next        *string `json:"next"`
	Previous    *string `json:"previous"`
	Count       int     `json:"count"`
	NumPages    int     `json:"num_pages"`
	PageNumber  int     `json:"page_number"`
	MaxPageSize int     `json:"max_page_size"`
	Data        any     `json:"data"`
}

// Body builds the page-number envelope around data.
func (p Page) Body(c echo.Context, data any) PageNumberBody {
	next, prev := p.Links(c)
	return PageNumberBody{Next: next, Previous: prev, Count: p.Count, NumPages: p.NumPages,
		PageNumber: p.Number, MaxPageSize: p.MaxSize, Data: data}
}

// Slice returns the page's part of items.
func Slice[T any](p Page, items []T) []T {
	lo, hi := p.Bounds()
	return items[lo:hi]
}

// QueryBool reads a boolean query parameter as DRF's BooleanField does
// (ParseBool); absent or anything else is false.
func QueryBool(c echo.Context, name string) bool { return True(c.QueryParam(name)) }

// True reports whether s is one of DRF's BooleanField true spellings.
func True(s string) bool {
	v, ok := ParseBool(s)
	return ok && v
}
