package fake

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/scenarios"
)

// settingsBucket is the server's own bucket: its runtime settings (the
// scenarios uploaded and switched at runtime, the clock moved), kept in
// the store so that a --db fake comes back as it was left. It is no
// tenant's and not state (state.Schema.Private): never exported, refused
// in a state document, kept by an import and by a reset.
const settingsBucket = "fake.settings"

// Keys of the settings bucket.
const (
	// settingClock is the clock as moved at runtime: {"offset": "1h"} or
	// {"now": "<RFC 3339>"} (frozen); absent: the start-up setting.
	settingClock = "clock"
	// settingSwitches are the scenarios switched on or off at runtime, in
	// the order last switched: [{"name": ..., "active": true}, ...].
	settingSwitches = "switches"
	// settingScenario + NAME is a scenario added at runtime (POST
	// /_fake/scenarios, the dashboard's upload): {"file", "source"}.
	settingScenario = "scenario/"
)

type savedClock struct {
	Offset string `json:"offset,omitempty"`
	Now    string `json:"now,omitempty"`
}

type savedSwitch struct {
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

type savedScenario struct {
	File   string `json:"file"`
	Source string `json:"source"`
}

// saveSetting writes (value non-nil) or deletes one setting. A failure is
// logged: the change is made in memory either way, and losing it at the
// next restart is the worst it costs.
func (s *Server) saveSetting(key string, value any) {
	err := s.deps.Store.Update(func(tx store.Tx) error {
		if value == nil {
			return tx.Delete(settingsBucket, key)
		}
		return store.PutJSON(tx, settingsBucket, key, value)
	})
	if err != nil {
		s.log.Warn("settings: not kept for the next start", "setting", key, "error", err)
	}
}

// saveClock records the clock's setting (moved: true) or forgets it
// (false: a reset sets it back to the start-up setting).
func (s *Server) saveClock(moved bool) {
	if !moved {
		s.saveSetting(settingClock, nil)
		return
	}
	c := s.deps.Clock
	if c.Frozen() {
		s.saveSetting(settingClock, savedClock{Now: c.Now().Format(time.RFC3339Nano)})
	} else {
		s.saveSetting(settingClock, savedClock{Offset: c.Offset().String()})
	}
}

// saveSwitch records that name was switched on or off at runtime, last:
// read and written in one transaction, so two switches at once both count.
func (s *Server) saveSwitch(name string, active bool) {
	err := s.deps.Store.Update(func(tx store.Tx) error {
		var list []savedSwitch
		if _, err := store.GetJSON(tx, settingsBucket, settingSwitches, &list); err != nil {
			return err
		}
		list = slices.DeleteFunc(list, func(w savedSwitch) bool { return w.Name == name })
		return store.PutJSON(tx, settingsBucket, settingSwitches, append(list, savedSwitch{Name: name, Active: active}))
	})
	if err != nil {
		s.log.Warn("settings: not kept for the next start", "setting", settingSwitches, "error", err)
	}
}

// addScenario is what the admin API and the dashboard's upload do with a
// scenario file: parse it (file names it in errors), add it to the engine
// (refused if it names no operation the fake serves), activate it if
// asked, and keep it for the next start.
func (s *Server) addScenario(file string, raw []byte, activate bool) (*scenarios.Scenario, error) {
	sc, err := scenarios.Parse(file, raw)
	if err != nil {
		return nil, err
	}
	if err := s.scen.Add(sc); err != nil {
		return nil, err
	}
	s.saveSetting(settingScenario+sc.Name, savedScenario{File: file, Source: string(raw)})
	if activate {
		if err := s.scen.Activate(sc.Name); err != nil {
			return nil, err
		}
		s.saveSwitch(sc.Name, true)
	}
	return sc, nil
}

// switchScenario turns a known scenario on or off at runtime and keeps
// that for the next start.
func (s *Server) switchScenario(name string, active bool) error {
	switchIt := s.scen.Deactivate
	if active {
		switchIt = s.scen.Activate
	}
	if err := switchIt(name); err != nil {
		return err
	}
	s.saveSwitch(name, active)
	return nil
}

// restoreSettings brings back what was changed at runtime before the last
// stop, over what the options set up: the scenarios added (each parsed
// again; one the fake now refuses is logged and left out, and a
// --scenario file of the same name wins), the switches in the order made,
// and the clock. A fake in memory starts with none.
func (s *Server) restoreSettings() error {
	var clock *savedClock
	var switches []savedSwitch
	added := map[string]savedScenario{}
	err := s.deps.Store.View(func(tx store.Tx) error {
		var bad error
		tx.Scan(settingsBucket, "", false, func(k string, v []byte) bool {
			switch {
			case k == settingClock:
				clock = &savedClock{}
				bad = json.Unmarshal(v, clock)
			case k == settingSwitches:
				bad = json.Unmarshal(v, &switches)
			case len(k) > len(settingScenario) && k[:len(settingScenario)] == settingScenario:
				var sc savedScenario
				bad = json.Unmarshal(v, &sc)
				added[k[len(settingScenario):]] = sc
			}
			if bad != nil {
				bad = fmt.Errorf("settings: %s: %w", k, bad)
			}
			return bad == nil
		})
		return bad
	})
	if err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(added)) {
		if slices.ContainsFunc(s.opts.scenarioDefs, func(d *scenarios.Scenario) bool { return d.Name == name }) {
			// A file the command line names is read afresh every start:
			// its edits win over an upload of the same name.
			s.log.Info("settings: a scenario added before the restart is also a --scenario file; the file wins", "scenario", name)
			continue
		}
		sc, err := scenarios.Parse(added[name].File, []byte(added[name].Source))
		if err == nil {
			err = s.scen.Add(sc)
		}
		if err != nil {
			s.log.Warn("settings: a scenario added before the restart is refused now; left out", "scenario", name, "error", err)
			continue
		}
		s.log.Info("settings: scenario added before the restart kept", "scenario", name)
	}
	for _, w := range switches {
		switchIt := s.scen.Deactivate
		if w.Active {
			switchIt = s.scen.Activate
		}
		if err := switchIt(w.Name); err != nil {
			s.log.Warn("settings: a scenario switched before the restart is unknown now", "scenario", w.Name, "error", err)
			continue
		}
		s.log.Info("settings: scenario switch kept", "scenario", w.Name, "active", w.Active)
	}
	if clock != nil {
		switch {
		case clock.Now != "":
			t, err := time.Parse(time.RFC3339Nano, clock.Now)
			if err != nil {
				return fmt.Errorf("settings: clock: %w", err)
			}
			s.deps.Clock.SetNow(t)
		default:
			d, err := time.ParseDuration(clock.Offset)
			if err != nil {
				return fmt.Errorf("settings: clock: %w", err)
			}
			s.deps.Clock.SetOffset(d)
		}
		s.log.Info("settings: clock kept", "now", s.deps.Clock.Now().Format(time.RFC3339), "frozen", s.deps.Clock.Frozen())
	}
	return nil
}
