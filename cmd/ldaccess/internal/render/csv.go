package render

import (
	"encoding/csv"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

// writeCSV writes each section as a CSV table with its own header row, a blank line between
// them. Every field goes through iostreams.Clean, newlines kept (CSV quotes them).
func writeCSV(out *chunked, sections []Section) error {
	cw := csv.NewWriter(&out.b)
	for i, s := range sections {
		if i > 0 {
			cw.Flush()
			out.b.WriteString("\n")
		}
		header := make([]string, len(s.Header))
		for j, h := range s.Header {
			header[j] = strings.ReplaceAll(h, " ", "_")
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		for r := range RowsOf(s) {
			fields := make([]string, len(r))
			for j, f := range r {
				fields[j] = iostreams.Clean(f, true)
			}
			if err := cw.Write(fields); err != nil {
				return err
			}
			cw.Flush()
			out.rowDone()
		}
	}
	cw.Flush()
	return cw.Error()
}
