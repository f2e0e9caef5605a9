package web

import (
	"maps"
	"net/url"
	"strconv"
)

// pager is one page of a long table held in memory (the JSON twin and the export hold every
// row) and the links to the pages beside it.
type pager struct {
	Page, Pages      int // 1-based; Page is at most Pages
	From, To, Total  int // rows From–To (1-based) of Total are on Page
	PrevURL, NextURL string
}

// newPager picks page n of total rows shown perPage at a time (a page past the end shows the
// last); link is a page's URL.
func newPager(n, total, perPage int, link func(page int) string) pager {
	p := pager{Pages: max(1, (total+perPage-1)/perPage), Total: total}
	p.Page = min(max(n, 1), p.Pages)
	p.From, p.To = (p.Page-1)*perPage+1, min(p.Page*perPage, total)
	if p.Page > 1 {
		p.PrevURL = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page + 1)
	}
	return p
}

// pageRows is the page's part of a slice of Total rows.
func pageRows[T any](p pager, all []T) []T { return all[min(p.From-1, len(all)):p.To] }

// pageURL is path with the query filter and page n (left out for the first).
func pageURL(path string, filter url.Values, n int) string {
	v := url.Values{}
	maps.Copy(v, filter)
	v.Del("page")
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
