package bench

import (
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/ldaccess/ldaccess/api"
)

// BenchmarkDecode measures decoding alone, without a server: the wrapper's decoder
// (go-json-experiment/json with encoding/json's semantics, as wrapper/call.go sets it up)
// against the standard library's encoding/json, on a page of 100 members and one of 25
// tokens with every field, into the generated models. It is the figure behind the choice of
// JSON library recorded in README.md.
func BenchmarkDecode(b *testing.B) {
	members := make([]api.Member, 100)
	for i := range members {
		members[i] = genMember(i)
	}
	tokens := make([]api.Token, 25)
	for i := range tokens {
		tokens[i] = genToken(i, true)
	}
	v1Options := jsonv1.DefaultOptionsV1()
	for _, c := range []struct {
		name string
		body []byte
		into func() any
	}{
		{"members100", mustJSON(api.Members{Items: members}), func() any { return new(api.Members) }},
		{"tokens25", mustJSON(api.Tokens{Items: tokens}), func() any { return new(api.Tokens) }},
	} {
		b.Run(c.name+"/go-json-experiment", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := jsonv2.Unmarshal(c.body, c.into(), v1Options); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/encoding-json", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := json.Unmarshal(c.body, c.into()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
