package fake

// settingsBucket is the server's own bucket: its runtime settings (the
// scenarios uploaded and switched at runtime, the clock moved), kept in
// the store so that a --db fake comes back as it was left. It is no
// tenant's and not state (state.Schema.Private): never exported, refused
// in a state document, kept by an import and by a reset.
const settingsBucket = "fake.settings"

// saveClock records the clock's setting in the settings bucket (moved:
// true) or forgets it (false: a reset sets it back to the start-up
// setting).
func (s *Server) saveClock(moved bool) {}
