package version

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/cmdtest"
)

func TestNewCmdVersion(t *testing.T) {
	_, err := cmdtest.Parse(t, NewCmdVersion, false)
	require.NoError(t, err)
	_, err = cmdtest.Parse(t, NewCmdVersion, false, "extra")
	assert.EqualError(t, err, "version takes no arguments (got 1 argument)")

	f, st := cmdtest.NewFactory(t, "")
	cmd := NewCmdVersion(f, nil)
	require.NoError(t, cmd.RunE(cmd, nil))
	assert.Regexp(t, `^ldaccess version \S+\n`, st.Out.String())
}

func TestText(t *testing.T) {
	t.Parallel()
	build := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/ldaccess/ldaccess/cmd/ldaccess", Version: version}}
		settings = append([]string{"GOOS", "linux", "GOARCH", "amd64"}, settings...)
		for i := 0; i < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"go install …@v1.2.0", build("v1.2.0"),
			"ldaccess version v1.2.0\nbuilt with go1.26.8 for linux/amd64\n"},
		{"go build in a checkout", build("v1.2.1-0.20261130100000-0123456789ab+dirty",
			"vcs.revision", "0123456789abcdef", "vcs.time", "2026-11-30T10:00:00Z", "vcs.modified", "true"),
			"ldaccess version v1.2.1-0.20261130100000-0123456789ab+dirty\nbuilt with go1.26.8 for linux/amd64\n" +
				"commit 0123456789abcdef (2026-11-30T10:00:00Z), with uncommitted changes\n"},
		{"clean commit", build("v1.2.1", "vcs.revision", "0123456789abcdef", "vcs.modified", "false"),
			"ldaccess version v1.2.1\nbuilt with go1.26.8 for linux/amd64\ncommit 0123456789abcdef\n"},
		{"go run: no version", build("(devel)"),
			"ldaccess version dev\nbuilt with go1.26.8 for linux/amd64\n"},
		{"no build information", nil, "ldaccess version dev\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Text(tt.bi))
		})
	}
}
