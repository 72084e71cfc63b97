package render

import (
	"encoding/csv"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

// writeCSV writes each section as a CSV table with its own header row, a blank line between
// them. Every field, the header's too (an account column is named by a profile), goes through
// iostreams.CleanCSV: cleaned, newlines kept (CSV quotes them), never read as a formula.
func writeCSV(out *chunked, sections []Section) error {
	cw := csv.NewWriter(&out.b)
	for i, s := range sections {
		if i > 0 {
			cw.Flush()
			out.b.WriteString("\n")
		}
		header := make([]string, len(s.Header))
		for j, h := range s.Header {
			header[j] = iostreams.CleanCSV(strings.ReplaceAll(h, " ", "_"))
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		for r := range RowsOf(s) {
			fields := make([]string, len(r))
			for j, f := range r {
				fields[j] = iostreams.CleanCSV(f)
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
