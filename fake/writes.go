package fake

// Writes reports how many writes changed or removed the member or token with the given ID:
// role and custom-role changes, team changes, token edits and resets, and deletion. Writes
// that changed nothing (a role set to the role it had, a second delete) do not count, so a
// test can check that an action reached an object exactly once.
func (h *Handler) Writes(id string) int {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes[id]
}
