package connect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/clierr"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/config"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
	"github.com/ldaccess/ldaccess/review"
)

// defaultTokenCommandTimeout bounds a token-command without its own timeout: long enough for a
// password manager to ask for a fingerprint.
const defaultTokenCommandTimeout = time.Minute

// profileToken gets a profile's token from where the profile says.
func (a *Accounts) profileToken(ctx context.Context, name string, p config.Profile) (string, error) {
	switch {
	case p.TokenEnv != "":
		a.Shell.KeepOut(p.TokenEnv, "")
		tok := strings.TrimSpace(a.Getenv(p.TokenEnv))
		if tok == "" {
			return "", clierr.Usagef("profile %s takes its token from $%s, which is not set", name, p.TokenEnv)
		}
		return tok, nil
	case p.TokenKeyring:
		tok, err := a.Keyring.Get(keyring.Service, name)
		if err != nil {
			return "", keyring.Error(name, err)
		}
		return tok, nil
	case p.TokenCommand != "":
		return a.RunTokenCommand(ctx, name, p)
	}
	tok := strings.TrimSpace(a.Getenv("LD_ACCESS_TOKEN"))
	if tok == "" {
		return "", clierr.Usagef("profile %s names no token: set LD_ACCESS_TOKEN, pass --token, or give the profile token-env, token-keyring or token-command", name)
	}
	return tok, nil
}

// RunTokenCommand runs a profile's token-command through the shell, as AWS's
// credential_process does: its output, trimmed, is the token; its stderr (a password manager's
// prompt) goes to ours. It is killed after its timeout.
func (a *Accounts) RunTokenCommand(ctx context.Context, name string, p config.Profile) (string, error) {
	timeout := defaultTokenCommandTimeout
	if p.TokenCommandTimeout != "" {
		timeout, _ = review.ParseAge(p.TokenCommandTimeout) // checked when the file was read
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd, left := a.Shell.Command(ctx, p.TokenCommand)
	var out bytes.Buffer
	cmd.Stdout = &shell.LimitedWriter{W: &out, N: 64 << 10}
	cmd.Stderr = a.IO.ErrOut
	cmd.WaitDelay = time.Second
	a.IO.ClearProgress()
	err := cmd.Run()
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return "", fmt.Errorf("profile %s: the token-command did not finish within %s (token-command-timeout)", name, review.FormatAge(timeout))
	case err != nil:
		// The output is never quoted: it may be a token.
		var ee interface{ ExitCode() int }
		if errors.As(err, &ee) {
			return "", fmt.Errorf("profile %s: the token-command failed with exit status %d", name, ee.ExitCode())
		}
		return "", fmt.Errorf("profile %s: the token-command could not run: %v", name, err)
	}
	tok := strings.TrimSpace(out.String())
	if tok == "" && len(left) > 0 {
		return "", fmt.Errorf("profile %s: the token-command printed nothing; it runs without the variables that hold the run's access tokens (%s): "+
			"to read the token from a variable, give the profile token-env instead", name, strings.Join(left, ", "))
	}
	if tok == "" {
		return "", fmt.Errorf("profile %s: the token-command printed nothing", name)
	}
	if strings.ContainsAny(tok, "\r\n") {
		return "", fmt.Errorf("profile %s: the token-command printed several lines; it must print the token alone", name)
	}
	return tok, nil
}
