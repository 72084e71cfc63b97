package review_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ldaccess/ldaccess/internal/yamljson"
	"github.com/ldaccess/ldaccess/review"
)

// TestParseErrorsPointAtTheRightPlace: every error names the file, and the line and column of
// the value at fault, in JSON and (converted line for line) in YAML.
func TestParseErrorsPointAtTheRightPlace(t *testing.T) {
	policyJSON := `{
  "rules": [
    {"finding": "stale", "action": "delete-token"},
    {"finding": "stale", "action": "delete-token", "when": "now"}
  ]
}`
	policyYAML := `# remediation
rules:
  - finding: stale
    action: delete-token
  - finding: no-team
    action: set-role
    role: writer
`
	tests := []struct {
		name, file, data, want string
		parse                  func([]byte, string) error
	}{
		{"unknown field", "p.json", policyJSON, `p.json:4:53: unknown field "when"`, parsePolicy},
		{"syntax", "p.json", "{\n  \"rules\": [\n    {\"finding\" \"stale\"}\n]}", "p.json:3:16: ", parsePolicy},
		{"wrong type", "p.json", "{\"rules\": [\n  {\"finding\": 7}]}", "p.json:2:15: /rules/0/finding: a JSON number cannot be a review.Finding", parsePolicy},
		{"bad age", "p.json", "{\"rules\": [\n  {\"finding\": \"inactive\", \"action\": \"remove-member\",\n   \"olderThan\": \"soon\"}]}", `p.json:3:17: /rules/0/olderThan: invalid duration "soon"`, parsePolicy},
		{"cut short", "p.json", "{\"rules\": [\n", "p.json:2:1: the file ends before the JSON does", parsePolicy},
		{"a rule that could raise", "p.json", "{\"rules\": [\n  {\"finding\": \"stale\", \"action\": \"delete-token\"},\n  {\"finding\": \"no-team\", \"action\": \"set-role\", \"role\": \"writer\"}]}", "p.json:3:3: rule 2 (no-team → set-role writer): could raise access", parsePolicy},
		{"no file name", "", "{\"rules\": [\n {\"finding\": \"old\", \"action\": \"delete-token\"}]}", `policy: line 2, column 2: rule 1 (old → delete-token): unknown finding "old"`, parsePolicy},
		{"YAML rule", "p.yaml", policyYAML, "p.yaml:5:3: rule 2 (no-team → set-role writer): could raise access", parseYAMLPolicy},
		{"YAML unknown key", "p.yaml", "rules:\n  - finding: stale\n    acton: delete-token\n", `p.yaml:3:5: unknown field "acton"`, parseYAMLPolicy},
		{"plan action", "plan.json", "{\"format\": 1, \"account\": {\"ownerId\": \"o\"},\n \"reviewedAt\": \"2026-06-01T12:00:00Z\", \"staleAfter\": \"90d\", \"rotateAfter\": \"90d\", \"policy\": {\"rules\": null},\n \"actions\": [\n  {\"id\": \"remove-member:x|y\", \"kind\": \"remove-member\", \"subject\": \"member\", \"objectId\": \"x|y\", \"name\": \"\", \"reasons\": null, \"state\": {}}]}",
			`plan.json:4:3: action 1 (remove-member:x|y): objectId: "x|y" is not an ID`, parsePlan},
		{"plan format", "plan.json", "{\n  \"format\": 9}", "plan.json:2:3: format 9", parsePlan},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse([]byte(tt.data), tt.file)
			require.Error(t, err)
			var pe *review.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func parsePolicy(data []byte, file string) error {
	_, err := review.ParsePolicy(data, file)
	return err
}

func parseYAMLPolicy(data []byte, file string) error {
	data, err := yamljson.Convert(data)
	if err != nil {
		return err
	}
	return parsePolicy(data, file)
}

func parsePlan(data []byte, file string) error {
	_, err := review.ParsePlan(data, file)
	return err
}
