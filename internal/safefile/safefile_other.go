//go:build !unix

package safefile

import "io/fs"

// Without O_NOFOLLOW, Open checks for a link with Lstat first (see notALink), and Create's
// O_EXCL fails on any link, dangling or not.
const (
	noFollow = 0
	nonBlock = 0
)

func isLoop(error) bool { return false }

// otherNames cannot tell a file's links here.
func otherNames(fs.FileInfo) bool { return false }

// ownedByMe cannot tell a file's owner here; the directory's permissions decide.
func ownedByMe(fs.FileInfo) bool { return true }
