package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
)

// Confirmation of destructive commands (tokens reset, tokens delete, members remove, members
// set-role): --yes goes ahead; on a terminal the user is asked; otherwise, in a script or a
// pipe, the command refuses with a usage error (exit 2) rather than guess.

// canConfirm is the part of confirmDestructive that needs no request: destructive commands call
// it before connecting, so that a refusal costs nothing.
func (a *app) canConfirm(yes bool, action string) error {
	if !yes && !a.isTerminal(a.stdin) {
		return usagef("%s needs confirmation, and stdin is not a terminal: pass --yes to go ahead", action)
	}
	return nil
}

// confirm asks a yes/no question on stderr and reads the answer from stdin. Only "y" and
// "yes" agree. An interrupt (ctx done) while waiting ends the question: the command's signal
// handling would otherwise swallow Ctrl-C.
func (a *app) confirm(ctx context.Context, question string) error {
	a.status.clear()
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(a.stdin).ReadString('\n')
		answer <- line
	}()
	var line string
	select {
	case <-ctx.Done():
		fmt.Fprintln(a.stderr)
		return ctx.Err()
	case line = <-answer:
	}
	if !strings.HasSuffix(line, "\n") {
		fmt.Fprintln(a.stderr) // end of input: finish the prompt's line
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return nil
	}
	return errDeclined
}

// confirmDestructive guards a command that changes or removes access. With --yes it goes
// ahead; on a terminal it asks; otherwise (a script, a pipe) it refuses with a usage error
// rather than guess, so an unattended run never deletes anything it was not told to.
func (a *app) confirmDestructive(ctx context.Context, yes bool, action string, describe func() (string, error)) error {
	if err := a.canConfirm(yes, action); err != nil || yes {
		return err
	}
	q := action
	if describe != nil {
		d, err := describe()
		if err != nil {
			return err
		}
		q = d
	}
	return a.confirm(ctx, q)
}
