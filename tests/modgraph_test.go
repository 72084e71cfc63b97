package tests

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The generator lives in tools.mod so that library users never download it or its
// dependencies: the module graph they inherit must not mention it.
func TestModuleGraphLeavesOutTheGenerator(t *testing.T) {
	out, err := exec.Command("go", "mod", "graph").CombinedOutput()
	require.NoError(t, err, string(out))
	// The generator module and requirements that only it brings (see tools.mod).
	generatorOnly := []string{"github.com/oapi-codegen/oapi-codegen", "github.com/speakeasy-api/", "github.com/dprotaso/go-yit", "github.com/vmware-labs/yaml-jsonpath"}
	for _, generatorOnly := range generatorOnly {
		assert.False(t, strings.Contains(string(out), generatorOnly), "go mod graph mentions %s", generatorOnly)
	}
}
