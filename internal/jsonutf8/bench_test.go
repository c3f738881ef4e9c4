package jsonutf8_test

import (
	"strings"
	"testing"

	"github.com/otwarty/otwarty/internal/jsonutf8"
)

// BenchmarkCheck_Ballot checks a castBallotWithCode body as the replay
// client sends it (3 + 3 picks), about 700 bytes.
func BenchmarkCheck_Ballot(b *testing.B) {
	id := `"QnVkZ2V0UHJvamVjdDowMTkwZDdhMi0xYzNlLTdhNTUtOGY5ZS0yYjFkM2M0ZTVmNjA"`
	pool := `{"poolId":` + id + `,"projectIds":[` + strings.Repeat(id+",", 2) + id + `]}`
	body := []byte(`{"query":"mutation Cast($input: CastBallotWithCodeInput!) { castBallotWithCode(input: $input) { ballotId } }",` +
		`"variables":{"input":{"ballotKey":"KZ3T5XQ2VJ7M4N6P8R2S4U6W8Y","code":"AB12-CD34-EF56-GH78","picks":[` + pool + `,` + pool + `]}}}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := jsonutf8.Check(body); err != nil {
			b.Fatal(err)
		}
	}
}
