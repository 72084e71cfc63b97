package cmdutil

// RecoverToken is the command line that recovers a token whose new secret was lost (a
// hand-over that failed, an answer that never came): "ldaccess [global flags] tokens VERB ID
// --expire-old-in now HANDOVER [--yes]", with this run's global flags as Again gives them. It
// resets the token again and ends at once only the secret that was lost, while the old one
// keeps working until the first reset's grace ends. handover are the flags that hand the new
// secret over (--exec …).
func (e Env) RecoverToken(verb, id string, yes bool, handover ...string) string {
	args := append([]string{id, "--expire-old-in", "now"}, handover...)
	if yes {
		args = append(args, "--yes")
	}
	return e.Again("tokens "+verb, args...)
}
