//go:build !unix

package procstat

import "os"

func maxRSS(*os.ProcessState) (int64, bool) { return 0, false }
