// Package cmdutil is what every ldaccess command is built with: the Factory a command is made
// from and the Env its run gets, flag and argument helpers (enumerations from the generated
// code, durations that must be positive), and the one helper for destructive commands.
package cmdutil

import (
	"context"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/connect"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/keyring"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/render"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/shell"
	"github.com/ldaccess/ldaccess/wrapper"
)

// Factory holds what one run of the command shares: commands are made from it (NewCmdX) and
// copy into their options what their run needs. Nothing in it is global, so tests run the
// command in-process as often as they like.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Prompter  Prompter
	// Now is the run's clock (LDACCESS_NOW fixes it).
	Now    func() time.Time
	Getenv func(string) string
	// Dir is the directory relative file names (--plan, --policy, --from …) are in, and the
	// one the commands ldaccess runs (--exec, token-command) start in: the process's working
	// directory when empty.
	Dir string
	// Shell runs the commands the user gives ldaccess (--exec, a token-command), without the
	// run's tokens in their environment; Accounts tells it which tokens those are.
	Shell   *shell.Runner
	Keyring keyring.Store
	// Output is what --format, --fields and --wide say, once the flags are parsed.
	Output *render.Settings
	// Accounts connects to the accounts the command line names.
	Accounts *connect.Accounts
	// Version is the build's version.
	Version string

	// ran is the command the command line runs, once its flags are parsed (Ran).
	ran *cobra.Command

	deferredMu sync.Mutex
	deferred   []func()
}

// Ran records the command the command line runs, once its flags are parsed: hints that name
// another command to run (Env.Again) give it the same global flags.
func (f *Factory) Ran(cmd *cobra.Command) { f.ran = cmd }

// Prompter asks the user questions. iostreams.Prompter asks on the terminal.
type Prompter interface {
	// Confirm asks a yes/no question.
	Confirm(ctx context.Context, question string) (bool, error)
	// Password reads a secret without echoing it.
	Password(prompt string) (string, error)
}

// Path resolves a file name the user gave against Dir.
func (f *Factory) Path(name string) string {
	if f.Dir == "" || name == "" || filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(f.Dir, name)
}

// Env is what a command's run gets besides its own options: the streams, a client for the
// account the command line names, the clock, the prompter, and the output settings.
type Env struct {
	IO       *iostreams.IOStreams
	Client   func(context.Context) (*wrapper.Client, error)
	Now      func() time.Time
	Prompter Prompter
	Output   *render.Settings
	// Shell runs the commands the user gives (--exec).
	Shell *shell.Runner
	// Again is the ldaccess command line that runs the command named path (such as "apply")
	// with args and the global flags this run was given (CommandLine): what a hint tells the
	// user to run next.
	Again func(path string, args ...string) string
}

// Env is the environment of a command made from f.
func (f *Factory) Env() Env {
	return Env{IO: f.IOStreams, Client: f.client, Now: f.Now, Prompter: f.Prompter, Output: f.Output, Shell: f.Shell, Again: f.again}
}

func (f *Factory) again(path string, args ...string) string {
	if f.ran == nil {
		return CommandLine(&cobra.Command{}, path, args)
	}
	return CommandLine(f.ran, path, args)
}

func (f *Factory) client(ctx context.Context) (*wrapper.Client, error) { return f.Accounts.Client(ctx) }

// Format is the output format --format chose.
func (e Env) Format() render.Format { return e.Output.Format }

// Print writes v to stdout in the format, width and fields the user chose.
func (e Env) Print(v render.View) error { return render.Print(e.IO, *e.Output, v) }

// Target is the one account the command line names (a plan records its instance).
func (f *Factory) Target() (connect.Target, error) {
	ts, err := f.Accounts.Targets()
	if err != nil {
		return connect.Target{}, err
	}
	return ts[0], nil
}

// Defer registers fn to run when the command is done (RunDeferred), last registered first.
func (f *Factory) Defer(fn func()) {
	f.deferredMu.Lock()
	defer f.deferredMu.Unlock()
	f.deferred = append(f.deferred, fn)
}

// RunDeferred runs what Defer registered.
func (f *Factory) RunDeferred() {
	f.deferredMu.Lock()
	fns := f.deferred
	f.deferred = nil
	f.deferredMu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}
