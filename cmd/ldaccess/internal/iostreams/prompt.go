package iostreams

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"
)

// Prompter asks the user questions on the streams: the question on stderr, the answer from
// stdin. Every question goes through Clean: it may quote what a server sent.
type Prompter struct{ IO *IOStreams }

// Confirm asks a yes/no question; only "y" and "yes" agree. An interrupt (ctx done) while
// waiting ends the question: the command's signal handling would otherwise swallow Ctrl-C.
func (p Prompter) Confirm(ctx context.Context, question string) (bool, error) {
	s := p.IO
	s.ClearProgress()
	fmt.Fprint(s.ErrOut, Wrap(Clean(question, false)+" [y/N]", s.ErrTerminalWidth())+" ")
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(s.In).ReadString('\n')
		answer <- line
	}()
	var line string
	select {
	case <-ctx.Done():
		fmt.Fprintln(s.ErrOut)
		return false, ctx.Err()
	case line = <-answer:
	}
	if !strings.HasSuffix(line, "\n") {
		fmt.Fprintln(s.ErrOut) // end of input: finish the prompt's line
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// Password reads a secret from stdin: without echo on a terminal (asking with prompt),
// else its first line.
func (p Prompter) Password(prompt string) (string, error) {
	s := p.IO
	if f, ok := s.In.(*os.File); ok && s.stdinTTY {
		fmt.Fprint(s.ErrOut, Clean(prompt, false))
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(s.ErrOut)
		return string(b), err
	}
	line, err := bufio.NewReader(s.In).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("stdin is empty")
	}
	return line, nil
}
