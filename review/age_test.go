package review

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// An age is digits: what else strconv.ParseFloat reads would make "NaNd" an age that every
// object is older than, or a grace period that is over at once.
func TestParseAgeRefusesWhatIsNotDigits(t *testing.T) {
	for _, in := range []string{"NaNd", "nand", "Infd", "+Infw", "1e3d", "1_0d", "0x10d", "-1d", " d"} {
		_, err := ParseAge(in)
		assert.Error(t, err, "%q", in)
	}
	d, err := ParseAge("1.5d")
	assert.NoError(t, err)
	assert.Equal(t, "36h0m0s", d.String())
}
