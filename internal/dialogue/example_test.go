package dialogue_test

import (
	"fmt"

	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/tally"
)

// A body's rules decide its motions through internal/tally: here the Polish
// defaults (quorum of half the voting members, simple majority, the chair's
// casting vote) and a resolution needing an absolute majority.
func ExampleRules_Tally() {
	rules := dialogue.DefaultRules()
	vote := tally.Vote{Members: 9, Present: 5, For: 2, Against: 2, Abstain: 1, Chair: tally.ChoiceFor}

	simple, _ := tally.Decide(rules.Tally(""), vote)
	fmt.Println(simple.Outcome, "by casting vote:", simple.ByCastingVote)

	absolute, _ := tally.Decide(rules.Tally(dialogue.MajorityAbsolute), vote)
	fmt.Println(absolute.Outcome, "needed:", absolute.Needed)
	// Output:
	// adopted by casting vote: true
	// rejected needed: 5
}
