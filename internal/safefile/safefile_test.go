package safefile_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/safefile"
)

// victim is a file an attacker would like ldaccess to write; it must stay as it is.
func victim(t *testing.T) (path string, content string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "victim")
	content = "precious\n"
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path, content
}

func assertUntouched(t *testing.T, path, content string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, content, string(b), "%s was written", path)
}

func skipWithoutSymlinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
}

func TestCreateIsPrivateFromTheFirstByte(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new")
	f, err := safefile.Create(path)
	require.NoError(t, err)
	fi, err := f.Stat()
	require.NoError(t, err)
	require.NoError(t, f.Close())
	if runtime.GOOS != "windows" {
		assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	}
	_, err = safefile.Create(path)
	assert.ErrorIs(t, err, fs.ErrExist, "an existing file is never created over")
}

func TestNothingIsWrittenThroughALink(t *testing.T) {
	skipWithoutSymlinks(t)
	open := map[string]func(string) error{
		"Create": func(p string) error { _, err := safefile.Create(p); return err },
		"Open read-only": func(p string) error {
			_, err := safefile.Open(p, os.O_RDONLY)
			return err
		},
		"Open": func(p string) error { _, err := safefile.Open(p, os.O_RDWR); return err },
		"OpenOrCreate": func(p string) error {
			_, _, err := safefile.OpenOrCreate(p)
			return err
		},
		"WriteFile": func(p string) error { return safefile.WriteFile(p, []byte("mine"), nil) },
	}
	for name, do := range open {
		t.Run(name+"/link to a file", func(t *testing.T) {
			target, content := victim(t)
			link := filepath.Join(t.TempDir(), "link")
			require.NoError(t, os.Symlink(target, link))
			err := do(link)
			if name != "Create" {
				assert.ErrorIs(t, err, safefile.ErrNotOurs)
				assert.ErrorContains(t, err, "symbolic link")
			} else {
				assert.Error(t, err)
			}
			assertUntouched(t, target, content)
			fi, err := os.Lstat(link)
			require.NoError(t, err)
			assert.NotZero(t, fi.Mode()&fs.ModeSymlink, "the link itself stays")
		})
		t.Run(name+"/dangling link", func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "would-be-created")
			link := filepath.Join(dir, "link")
			require.NoError(t, os.Symlink(target, link))
			assert.Error(t, do(link))
			_, err := os.Lstat(target)
			assert.ErrorIs(t, err, fs.ErrNotExist, "the link's target was created")
		})
	}
}

func TestOpenRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	_, err := safefile.Open(dir, os.O_RDONLY)
	assert.ErrorIs(t, err, safefile.ErrNotOurs)
}

func TestWriteFileReplacesOnlyWhatIsOurs(t *testing.T) {
	refuse := func(old []byte) error {
		if string(old) != "ours" {
			return errors.New("not a plan")
		}
		return nil
	}
	t.Run("a foreign file stays", func(t *testing.T) {
		path, content := victim(t)
		err := safefile.WriteFile(path, []byte("new"), refuse)
		assert.ErrorIs(t, err, safefile.ErrNotOurs)
		assert.ErrorContains(t, err, "not a plan")
		assertUntouched(t, path, content)
	})
	t.Run("ours is replaced, private", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "plan")
		require.NoError(t, os.WriteFile(path, []byte("ours"), 0o644))
		require.NoError(t, safefile.WriteFile(path, []byte("new"), refuse))
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, "new", string(b))
		fi, err := os.Stat(path)
		require.NoError(t, err)
		if runtime.GOOS != "windows" {
			assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
		}
		entries, err := os.ReadDir(filepath.Dir(path))
		require.NoError(t, err)
		assert.Len(t, entries, 1, "no temporary file left behind")
	})
	t.Run("nothing there", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "plan")
		require.NoError(t, safefile.WriteFile(path, []byte("new"), refuse))
	})
}

func TestOpenOrCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	f, created, err := safefile.OpenOrCreate(path)
	require.NoError(t, err)
	assert.True(t, created)
	_, err = f.WriteString("x")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	f, created, err = safefile.OpenOrCreate(path)
	require.NoError(t, err)
	assert.False(t, created)
	require.NoError(t, f.Close())
}

func TestMoveNeverReplaces(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "plan.json"), filepath.Join(dir, "plan.old.json")
	require.NoError(t, os.WriteFile(from, []byte("plan"), 0o600))
	require.NoError(t, safefile.Move(from, to))
	assertUntouched(t, to, "plan")
	_, err := os.Lstat(from)
	assert.ErrorIs(t, err, fs.ErrNotExist, "the old name is left")

	// A file, or a dangling link, at the new name: refused, both left as they are.
	require.NoError(t, os.WriteFile(from, []byte("next"), 0o600))
	assert.ErrorIs(t, safefile.Move(from, to), fs.ErrExist)
	assertUntouched(t, from, "next")
	assertUntouched(t, to, "plan")
	skipWithoutSymlinks(t)
	dangling := filepath.Join(dir, "dangling")
	require.NoError(t, os.Symlink(filepath.Join(dir, "nowhere"), dangling))
	assert.ErrorIs(t, safefile.Move(from, dangling), fs.ErrExist)
	assertUntouched(t, from, "next")

	// A link at the old name is not moved.
	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(from, link))
	assert.ErrorIs(t, safefile.Move(link, filepath.Join(dir, "moved")), safefile.ErrNotOurs)
}

func TestReadFileReadsOnlyARegularFileOfBoundedSize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.json")
	require.NoError(t, os.WriteFile(path, []byte("12345"), 0o644))

	b, err := safefile.ReadFile(path, 5)
	require.NoError(t, err)
	assert.Equal(t, "12345", string(b))

	_, err = safefile.ReadFile(path, 4)
	assert.ErrorIs(t, err, safefile.ErrTooLarge, "a file larger than its reader takes is refused, not cut short")

	_, err = safefile.ReadFile(dir, 1<<20)
	assert.ErrorIs(t, err, safefile.ErrNotAFile)
	assert.ErrorContains(t, err, "directory")

	_, err = safefile.ReadFile(filepath.Join(dir, "missing"), 1<<20)
	assert.ErrorIs(t, err, fs.ErrNotExist)

	skipWithoutSymlinks(t)
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink(path, link))
	b, err = safefile.ReadFile(link, 5)
	require.NoError(t, err, "reading through a link the user made writes nothing")
	assert.Equal(t, "12345", string(b))
}

func TestReadAllStopsPastItsBound(t *testing.T) {
	b, err := safefile.ReadAll(strings.NewReader("abc"), 3)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(b))
	_, err = safefile.ReadAll(endless{}, 1<<10)
	assert.ErrorIs(t, err, safefile.ErrTooLarge)
}

// endless is a reader that never ends, as /dev/zero.
type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }
