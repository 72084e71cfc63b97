package render

import (
	"bytes"
	"encoding/csv"
	"strings"

	"github.com/ldaccess/ldaccess/cmd/ldaccess/internal/iostreams"
)

// writeCSV writes each section as a CSV table with its own header row, a blank line between
// them. Every field, the header's too (an account column is named by a profile), goes through
// iostreams.CleanCSV: cleaned, newlines kept (CSV quotes them), never read as a formula.
func writeCSV(b *bytes.Buffer, sections []Section) error {
	cw := csv.NewWriter(b)
	for i, s := range sections {
		if i > 0 {
			cw.Flush()
			b.WriteString("\n")
		}
		header := make([]string, len(s.Header))
		for j, h := range s.Header {
			header[j] = iostreams.CleanCSV(strings.ReplaceAll(h, " ", "_"))
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		for _, r := range s.Rows {
			fields := make([]string, len(r))
			for j, f := range r {
				fields[j] = iostreams.CleanCSV(f)
			}
			if err := cw.Write(fields); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
