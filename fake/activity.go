package fake

import "time"

// SeeMember records that a member was active at t, as LaunchDarkly does when someone uses its
// web interface; the API itself never moves _lastSeen (see the package documentation). Tests
// use it to make a member active behind a client's back. It reports false for an unknown
// member.
func (h *Handler) SeeMember(id string, t time.Time) bool {
	s := h.st
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.members[id]
	if !ok {
		return false
	}
	r.m.LastSeen = t.UnixMilli()
	s.memberVersion++ // cached views sort and filter by it
	return true
}
