package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersionText(t *testing.T) {
	t.Parallel()
	build := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/ldaccess/ldaccess", Version: version}}
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
			assert.Equal(t, tt.want, versionText(tt.bi))
		})
	}
}
