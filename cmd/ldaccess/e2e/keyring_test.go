// Package e2e tests the ldaccess command as a user runs it: built, in a process of its own,
// against real programs around it.
package e2e

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/fake"
)

// TestKeyring runs the built command against a real Secret Service: gnome-keyring on a private
// D-Bus session bus, which make test-keyring (scripts/keyring-session.sh) starts. It runs only
// when $LDACCESS_TEST_KEYRING names the session bus the test is on, so that it never touches a
// desktop's own keyring (it locks the keyring, for one). The command's own go-keyring is real
// here; the command's package tests cannot have it, as their TestMain mocks it for good.
func TestKeyring(t *testing.T) {
	bus := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	switch {
	case os.Getenv("LDACCESS_TEST_KEYRING_SKIP") != "":
		t.Skip(os.Getenv("LDACCESS_TEST_KEYRING_SKIP"))
	case os.Getenv("LDACCESS_TEST_KEYRING") == "":
		t.Skip("no private Secret Service: make test-keyring runs this test beside one")
	case os.Getenv("LDACCESS_TEST_KEYRING") != bus:
		t.Skip("$LDACCESS_TEST_KEYRING is not the session bus this test is on ($DBUS_SESSION_BUS_ADDRESS); run make test-keyring")
	}
	_, err := exec.LookPath("secret-tool")
	require.NoError(t, err, "secret-tool (libsecret-tools) finds the entries")

	k := &keyringTest{bin: buildCommand(t), bus: bus}
	acct := fake.Seed(fake.SeedOptions{Members: 3, Tokens: 1, Seed: 1})
	k.token = "api-" + randomHex(t, 16)
	srv := fake.NewServer(fake.Options{Account: acct, AdminSecret: k.token})
	t.Cleanup(srv.Close)
	k.fakeURL, k.ownerID = srv.URL, acct.Members[0].ID

	t.Run("add, use, remove", k.testRoundTrip)
	t.Run("entry missing", k.testMissing)
	t.Run("keyring locked", k.testLocked)
	t.Run("no Secret Service", k.testNoSecretService)
	t.Run("stale bus address", k.testStaleBus)
	t.Run("no session bus", k.testNoBus)
}

// keyringTest is what the subtests share: the command, the bus, a fake account whose admin
// token is token.
type keyringTest struct {
	bin, bus         string
	fakeURL, ownerID string
	token            string
}

// user is one user of the command: a home and config directory of their own, and an
// environment with nothing else of the test's in it.
type user struct {
	k      *keyringTest
	env    []string
	config string // the config file
}

func (k *keyringTest) newUser(t *testing.T, env ...string) *user {
	home := t.TempDir()
	u := &user{k: k, config: filepath.Join(home, ".config", "ldaccess", "config.yaml")}
	u.env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"DBUS_SESSION_BUS_ADDRESS=" + k.bus}, env...)
	return u
}

// run runs the command with stdin and returns its exit code, stdout and stderr. None of them
// may hold the token.
func (u *user) run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, u.k.bin, args...)
	cmd.Env = u.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		require.NoError(t, err)
	}
	require.NoError(t, ctx.Err(), "ldaccess %s did not finish", strings.Join(args, " "))
	assert.NotContains(t, out.String()+errb.String(), u.k.token)
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// addProfile adds profile name with the token in the keyring, as a user would.
func (u *user) addProfile(t *testing.T, name string) {
	t.Helper()
	t.Cleanup(func() { clearEntry(u.k.bus, name) })
	code, _, stderr := u.run(t, u.k.token+"\n", "profile", "add", name, "--base-url", u.k.fakeURL, "--keyring")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "profile "+name+" saved in "+u.config+" (token from the OS keyring)")
}

func (u *user) readConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(u.config)
	require.NoError(t, err)
	return string(data)
}

// requireUnusable runs args, which need the keyring, and requires exit code 2 and an error
// saying want and what to use instead, with the config file as it was and no entry for name.
func (u *user) requireUnusable(t *testing.T, name, want string, stdin string, args ...string) {
	t.Helper()
	before, err := os.ReadFile(u.config)
	if !errors.Is(err, os.ErrNotExist) {
		require.NoError(t, err)
	}
	code, stdout, stderr := u.run(t, stdin, args...)
	assert.Equal(t, 2, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, want)
	assert.Contains(t, stderr, "--token-env or --token-command")
	after, err := os.ReadFile(u.config)
	if errors.Is(err, os.ErrNotExist) {
		assert.Nil(t, before, "the config file is gone")
	} else {
		require.NoError(t, err)
		assert.Equal(t, string(before), string(after), "the config file is unchanged")
	}
	_, found := lookup(t, u.k.bus, name)
	assert.False(t, found, "no keyring entry for %s", name)
}

func (k *keyringTest) testRoundTrip(t *testing.T) {
	u := k.newUser(t)
	const name = "e2e-roundtrip"
	u.addProfile(t, name)
	cfg := u.readConfig(t)
	assert.Contains(t, cfg, "token-keyring: true")
	assert.NotContains(t, cfg, k.token)
	secret, found := lookup(t, k.bus, name)
	require.True(t, found, "secret-tool finds the entry under service ldaccess, username %s", name)
	assert.Equal(t, k.token, secret)

	code, stdout, stderr := u.run(t, "", "members", "get", "me", "--profile", name, "--format", "json")
	require.Equal(t, 0, code, stderr)
	var me struct {
		ID   string `json:"_id"`
		Role string `json:"role"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &me))
	assert.Equal(t, k.ownerID, me.ID, "the fake knew the token from the keyring as its owner's")

	code, stdout, stderr = u.run(t, "", "profile", "show", name)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^token: +stored$`, stdout)

	code, stdout, stderr = u.run(t, "", "profile", "remove", name)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "removed profile "+name+" and its token in the OS keyring\n", stdout)
	_, found = lookup(t, k.bus, name)
	assert.False(t, found, "profile remove deleted the entry")
	assert.NotContains(t, u.readConfig(t), name)
}

func (k *keyringTest) testMissing(t *testing.T) {
	u := k.newUser(t)
	const name = "e2e-missing"
	u.addProfile(t, name)
	clearEntry(k.bus, name)
	u.requireUnusable(t, name, "profile "+name+" takes its token from the OS keyring, which has none for it (service ldaccess, user "+name+
		"): store it again with ldaccess profile add "+name+" --keyring --force", "", "members", "get", "me", "--profile", name)

	code, stdout, stderr := u.run(t, "", "profile", "show", name)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^token: +missing: store one with ldaccess profile add `+name+` --keyring --force$`, stdout)
}

// loginCollection is gnome-keyring's login keyring, the one go-keyring uses.
const loginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")

func (k *keyringTest) testLocked(t *testing.T) {
	u := k.newUser(t)
	const name, other = "e2e-locked", "e2e-locked-new"
	u.addProfile(t, name)
	conn, err := dbus.Connect(k.bus)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	secrets := conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets")
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	require.NoError(t, secrets.Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{loginCollection}).Store(&locked, &prompt))
	t.Cleanup(func() { unlock(t, conn) })
	isLocked, err := conn.Object("org.freedesktop.secrets", loginCollection).GetProperty("org.freedesktop.Secret.Collection.Locked")
	require.NoError(t, err)
	require.Equal(t, true, isLocked.Value(), "the login keyring is locked")

	// While the keyring is locked, secret-tool finds nothing either: what counts is the lookup
	// after it is unlocked again.
	const want = "the OS keyring is locked, and no prompt to unlock it can be shown here"
	u.requireUnusable(t, other, want, "", "members", "get", "me", "--profile", name)
	u.requireUnusable(t, other, want, k.token+"\n", "profile", "add", other, "--base-url", k.fakeURL, "--keyring")

	unlock(t, conn)
	_, found := lookup(t, k.bus, other)
	assert.False(t, found, "nothing was stored while the keyring was locked")
	code, _, stderr := u.run(t, "", "members", "get", "me", "--profile", name)
	assert.Equal(t, 0, code, "unlocked again, the profile works: %s", stderr)
}

// unlock unlocks the login keyring with the password gnome-keyring was started with, through
// gnome-keyring's own interface: the Secret Service's Unlock would ask for it in a prompt.
func unlock(t *testing.T, conn *dbus.Conn) {
	t.Helper()
	secrets := conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets")
	var output dbus.Variant
	var session dbus.ObjectPath
	require.NoError(t, secrets.Call("org.freedesktop.Secret.Service.OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&output, &session))
	defer conn.Object("org.freedesktop.secrets", session).Call("org.freedesktop.Secret.Session.Close", 0)
	password := struct {
		Session     dbus.ObjectPath
		Parameters  []byte
		Value       []byte
		ContentType string
	}{session, []byte{}, []byte(os.Getenv("LDACCESS_TEST_KEYRING_PASSWORD")), "text/plain"}
	require.NoError(t, secrets.Call("org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface.UnlockWithMasterPassword", 0,
		loginCollection, password).Err)
}

// testNoSecretService: a session bus where nothing serves org.freedesktop.secrets, as on a
// server with a user session but no keyring daemon.
func (k *keyringTest) testNoSecretService(t *testing.T) {
	u := k.newUser(t)
	for i, kv := range u.env {
		if strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			u.env[i] = "DBUS_SESSION_BUS_ADDRESS=" + startBareBus(t)
		}
	}
	const name = "e2e-no-service"
	const want = "no Secret Service answers on the D-Bus session bus: start one, such as gnome-keyring-daemon or KeePassXC"
	u.requireUnusable(t, name, want, k.token+"\n", "profile", "add", name, "--base-url", k.fakeURL, "--keyring")
	writeKeyringProfile(t, u, name)
	u.requireUnusable(t, name, want, "", "members", "get", "me", "--profile", name)
}

// testStaleBus: $DBUS_SESSION_BUS_ADDRESS names a bus that is gone, as after a desktop
// session ended.
func (k *keyringTest) testStaleBus(t *testing.T) {
	u := k.newUser(t, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "gone"))
	const name = "e2e-stale-bus"
	const want = "the D-Bus session bus of $DBUS_SESSION_BUS_ADDRESS does not answer"
	u.requireUnusable(t, name, want, k.token+"\n", "profile", "add", name, "--base-url", k.fakeURL, "--keyring")
	writeKeyringProfile(t, u, name)
	u.requireUnusable(t, name, want, "", "members", "get", "me", "--profile", name)
}

// testNoBus: no session bus at all, as on a server or in a container. The command must not
// run dbus-launch (which would start a bus and daemons that outlive it): a dbus-launch on
// $PATH records whether it ran.
func (k *keyringTest) testNoBus(t *testing.T) {
	runDir := filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	for _, f := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(runDir, f)); err == nil {
			t.Skipf("this machine has a user session bus (%s), which the command would find", filepath.Join(runDir, f))
		}
	}
	bin := t.TempDir()
	ran := filepath.Join(t.TempDir(), "dbus-launch-ran")
	require.NoError(t, os.WriteFile(filepath.Join(bin, "dbus-launch"), []byte("#!/bin/sh\ntouch '"+ran+"'\nexit 1\n"), 0o755))
	u := k.newUser(t)
	env := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH")}
	for _, kv := range u.env {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	u.env = env
	const name = "e2e-no-bus"
	const want = "there is no session bus here ($DBUS_SESSION_BUS_ADDRESS is not set): run ldaccess in a desktop session, " +
		"or start a bus and a Secret Service (dbus-run-session -- sh, then gnome-keyring-daemon --unlock --components=secrets"
	u.requireUnusable(t, name, want, k.token+"\n", "profile", "add", name, "--base-url", k.fakeURL, "--keyring")
	writeKeyringProfile(t, u, name)
	u.requireUnusable(t, name, want, "", "members", "get", "me", "--profile", name)
	assert.NoFileExists(t, ran, "the command ran dbus-launch")
}

// writeKeyringProfile writes a config file with profile name, whose token is in the keyring.
func writeKeyringProfile(t *testing.T, u *user, name string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(u.config), 0o700))
	cfg := fmt.Sprintf("profiles:\n  %s:\n    base-url: %s\n    token-keyring: true\n", name, u.k.fakeURL)
	require.NoError(t, os.WriteFile(u.config, []byte(cfg), 0o600))
}

// startBareBus starts a D-Bus session bus with no services, stopped when t ends, and returns
// its address.
func startBareBus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "bus.conf")
	require.NoError(t, os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=`+dir+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600))
	cmd := exec.Command("dbus-daemon", "--nofork", "--print-address=1", "--config-file="+conf)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "dbus-daemon printed its address")
	return strings.TrimSpace(addr)
}

// lookup finds the secret of profile name with secret-tool, as a user would.
func lookup(t *testing.T, bus, name string) (string, bool) {
	t.Helper()
	cmd := exec.Command("secret-tool", "lookup", "service", "ldaccess", "username", name)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "DBUS_SESSION_BUS_ADDRESS=" + bus}
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 1 && len(out) == 0 {
		return "", false // what secret-tool says of no such entry
	}
	require.NoError(t, err)
	return string(out), true
}

// clearEntry deletes profile name's entry, if there is one.
func clearEntry(bus, name string) {
	cmd := exec.Command("secret-tool", "clear", "service", "ldaccess", "username", name)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "DBUS_SESSION_BUS_ADDRESS=" + bus}
	_ = cmd.Run()
}

// buildCommand builds ldaccess from the repository this test is in, as a user would.
func buildCommand(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if fi, err := os.Stat(filepath.Join(dir, "cmd", "ldaccess")); err == nil && fi.IsDir() {
			break
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no cmd/ldaccess above the test's directory")
		dir = parent
	}
	bin := filepath.Join(t.TempDir(), "ldaccess")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/ldaccess")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}
