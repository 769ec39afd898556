package ui

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/scenarios"
)

// clockView is the fake's clock as the pages show it.
type clockView struct {
	Now    time.Time
	Offset time.Duration
	Frozen bool
}

func (d *dashboard) clock() clockView {
	c := d.f.Clock()
	return clockView{Now: c.Now(), Offset: c.Offset(), Frozen: c.Frozen()}
}

// offsetWords says how far a running clock is from real time, in days and
// hours once it is a day or more ("89 days 22 hours ahead").
func offsetWords(d time.Duration) string {
	if d == 0 {
		return "at real time"
	}
	dir := "ahead"
	if d < 0 {
		d, dir = -d, "behind"
	}
	if d < 24*time.Hour {
		return d.String() + " " + dir
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	s := fmt.Sprintf("%d %s", days, map[bool]string{true: "day", false: "days"}[days == 1])
	if hours > 0 {
		s += fmt.Sprintf(" %d %s", hours, map[bool]string{true: "hour", false: "hours"}[hours == 1])
	}
	return s + " " + dir
}

// tierCount is one coverage tier and how many operations it has.
type tierCount struct {
	Tier string
	N    int
}

// tenantStats is one tenant's row of the overview: its stats in the order
// of the table's columns (a column the tenant has no stat for is nil).
type tenantStats struct {
	Name  string
	Stats []*api.Stat
}

// tenants lists every tenant any module holds entities of.
func (d *dashboard) tenants() ([]string, error) {
	seen := map[string]bool{}
	for _, b := range d.f.Browsers() {
		ts, err := b.BrowseTenants()
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			seen[t] = true
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// overview is the first page: the server, its clock, active scenarios,
// coverage, and a row of counts per tenant.
func (d *dashboard) overview(r *request) error {
	names, err := d.tenants()
	if err != nil {
		return err
	}
	var columns []string
	index := map[string]int{}
	var rows []tenantStats
	for _, t := range names {
		row := tenantStats{Name: t}
		for _, b := range d.f.Browsers() {
			stats, err := b.BrowseStats(t)
			if err != nil {
				return err
			}
			for i := range stats {
				i0, ok := index[stats[i].Label]
				if !ok {
					i0 = len(columns)
					index[stats[i].Label] = i0
					columns = append(columns, stats[i].Label)
				}
				for len(row.Stats) <= i0 {
					row.Stats = append(row.Stats, nil)
				}
				row.Stats[i0] = &stats[i]
			}
		}
		rows = append(rows, row)
	}
	for i := range rows {
		for len(rows[i].Stats) < len(columns) {
			rows[i].Stats = append(rows[i].Stats, nil)
		}
	}
	var tiers []tierCount
	total := 0
	for t, n := range d.f.Coverage() {
		tiers = append(tiers, tierCount{t, n})
		total += n
	}
	sort.Slice(tiers, func(i, j int) bool {
		return tiers[i].N > tiers[j].N || tiers[i].N == tiers[j].N && tiers[i].Tier < tiers[j].Tier
	})
	var active []scenarios.Info
	for _, in := range d.f.Scenarios().List() {
		if in.Active {
			active = append(active, in)
		}
	}
	return r.render(http.StatusOK, "overview", map[string]any{
		"Info": d.f.Info(), "Clock": d.clock(), "Columns": columns, "Tenants": rows,
		"Tiers": tiers, "Operations": total, "Active": active,
	})
}
