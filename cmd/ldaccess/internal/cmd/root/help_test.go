package root

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdutil"
	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

func TestUsageShowsBooleansAsFlags(t *testing.T) {
	var yes bool
	var d time.Duration
	cmd := &cobra.Command{Use: "delete ID", Run: func(*cobra.Command, []string) {}}
	cmdutil.AddYesFlag(cmd, &yes)
	cmdutil.DurationFlag(cmd.Flags(), &d, "grace", 90*24*time.Hour, "how long")
	var out strings.Builder
	cmd.SetOut(&out)
	require.NoError(t, usageFunc(iostreams.New(strings.NewReader(""), &out, &out))(cmd))
	assert.Equal(t, "Usage:\n  delete ID [flags]\n\nFlags:\n      --grace duration   how long (default 90d)\n  -y, --yes              do not ask for confirmation\n", out.String())
}

// Help text fits its width: prose paragraphs are reflowed (a heading stays a line of its
// own), a list's long row wraps under its own text column, a short line stays as it is.
func TestReflow(t *testing.T) {
	text := "Exit codes:\n" +
		"  1    an API or network error, or a confirmation was declined\n" +
		"  2    a usage error\n" +
		"\n" +
		"Destructive commands ask for confirmation\n" +
		"when stdin is a terminal. Otherwise they refuse."
	assert.Equal(t, "Exit codes:\n"+
		"  1    an API or network error, or a\n"+
		"       confirmation was declined\n"+
		"  2    a usage error\n"+
		"\n"+
		"Destructive commands ask for\n"+
		"confirmation when stdin is a terminal.\n"+
		"Otherwise they refuse.", reflow(text, 40))
	assert.Equal(t, "a b c", reflow("a b\nc", 0), "width 0: prose joined, not wrapped")
}

func TestFlagUsagesWrap(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	cmd.Flags().Bool("yes", false, "do it without asking, even when stdin is a terminal and a person could be asked")
	assert.Equal(t, "      --yes   do it without asking, even when stdin is a\n"+
		"              terminal and a person could be asked", flagUsages(cmd.Flags(), 60))
	assert.Equal(t, "      --yes   do it without asking, even when stdin is a terminal and a person could be asked", flagUsages(cmd.Flags(), 0))
}
