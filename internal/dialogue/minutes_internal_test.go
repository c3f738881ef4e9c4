package dialogue

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/tally"
)

func text(l i18n.Locale, body string) *i18n.Text {
	return &i18n.Text{OriginalLocale: l, Current: map[i18n.Locale]i18n.Version{l: {Locale: l, Body: body, IsOriginal: true}}}
}

// A record rendered in English: a remote member who does not count
// towards the quorum under the body's rules, a stay still open after the
// end, a member of the public counted and not named, a secret vote with
// totals only, a tie the chair's casting vote decided, an amendment, a
// vote still open; every name and title read literally.
func TestMinutesMarkdown_RendersTheRecordLiterally(t *testing.T) {
	t.Parallel()
	start := time.Date(2031, 1, 15, 16, 0, 0, 0, time.UTC) // 17:00 in Warsaw (CET)
	at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }
	left := at(50)
	ids := map[string]uuid.UUID{}
	id := func(name string) uuid.UUID {
		if _, ok := ids[name]; !ok {
			ids[name] = uuid.New()
		}
		return ids[name]
	}
	rules := DefaultRules()
	rules.RemoteAttendanceCounts = false
	b := &Body{ID: id("body"), NameTextID: id("name"), Rules: rules}
	g := &gathering.Gathering{ID: id("meeting"), TitleTextID: id("title"), StartsAt: start, EndsAt: at(90),
		Online: true, OnlineURL: "https://meet.example.org/x", Languages: []string{"pl", "en"}}
	anna, ivan, ola := id("anna"), id("ivan"), id("ola")
	r := &meetingRecord{g: g, body: b, agenda: AgendaAdopted, adopted: ptrTime(at(5)),
		texts: map[uuid.UUID]*i18n.Text{id("name"): text(i18n.PL, "Zespół [roboczy]"), id("title"): text(i18n.PL, "Posiedzenie #3"),
			id("item"): text(i18n.PL, "Sprawy _różne_"), id("motion"): text(i18n.PL, "Wybór <b>zastępcy</b>"),
			id("amendment"): text(i18n.PL, "Poprawka 1"), id("open"): text(i18n.PL, "Wniosek otwarty")},
		items: []recordItem{{id: id("item"), position: 1, title: id("item"), speakers: []string{"", "Anna"}}},
		roll: []*rollEntry{
			{memberID: id("m1"), role: RoleChair, person: &anna, name: "Anna"},
			{memberID: id("m2"), role: RoleMember, person: &ivan, name: "Ivan | Smith"},
			{memberID: id("m3"), role: RoleMember, name: "NGO & Co", org: true, delegates: []rollDelegate{{account: ola, name: ""}}},
			{memberID: id("m4"), role: RoleObserver, person: ptrID(id("obs")), name: "Obserwator"},
		},
		stays: map[uuid.UUID][]*gathering.Presence{
			anna: {{AccountID: anna, Mode: gathering.InPerson, Since: at(-10)}},
			ivan: {{AccountID: ivan, Mode: gathering.Remote, Since: at(-5), LeftAt: &left}},
			ola:  {{AccountID: ola, Mode: gathering.InPerson, Since: at(15)}},
		},
		public: 2,
		names:  map[uuid.UUID]string{},
	}
	r.quorum = Quorum{Present: 1, Members: 3, Required: 2, Reached: false}
	parent := id("motion")
	r.motions = []recordMotion{
		{mo: &Motion{Kind: MotionResolution, TitleTextID: id("motion")}, poll: &poll.Poll{Secret: true},
			result: &poll.Result{Outcome: poll.Adopted, Members: 3, Voters: 2, Yes: 1, No: 1, Tally: tally.Result{Needed: 1, ByCastingVote: true}}},
		{mo: &Motion{Kind: MotionProcedural, ParentID: &parent, TitleTextID: id("amendment")}, poll: &poll.Poll{},
			result:   &poll.Result{Outcome: poll.Invalid, Members: 3, Voters: 1, Yes: 1, Tally: tally.Result{Needed: 2}},
			rollCall: []poll.Vote{{Voter: poll.Org(id("ngo")), Choice: poll.Abstain, CastBy: ola}}},
		{mo: &Motion{Kind: MotionOpinion, TitleTextID: id("open")}, poll: &poll.Poll{}},
	}
	r.names[id("ngo")] = "NGO & Co"
	require.Equal(t, `# Minutes of the meeting of the dialogue body “Zespół \[roboczy\]”

## Posiedzenie #3

- **Date:** 2031-01-15, 17:00–18:30
- **Online:** yes, with remote participation
- **Languages:** PL, EN

## Agenda

The agenda was adopted by a vote (2031-01-15 17:05).

1. Sprawy \_różne\_

## Attendance

Quorum at the start (17:00): 1 of 3 votes present, 2 required — no quorum.

### Voting members present

- Anna (chair): in person 16:50–18:30
- Ivan \| Smith (member): remotely 16:55–17:50
- NGO \& Co (member), represented by: deleted account — in person 17:15–18:30

### Guests and observers present

None.

Members of the public: 2.

### Voting members absent

None.

## Proceedings

### 1. Sprawy \_różne\_

Speakers (in the order they had the floor): 1) deleted account, 2) Anna

## Votes

### Wybór \<b\>zastępcy\</b\> (resolution)

Result: adopted. For: 1, against: 1, abstaining: 0; 2 of 3 voting members voted; needed to adopt: 1.

The votes were tied; the chair's casting vote decided.

Secret vote: totals only.

### Poprawka 1 (amendment; procedural motion)

Result: vote invalid (no quorum). For: 1, against: 0, abstaining: 0; 1 of 3 voting members voted; needed to adopt: 2.

Roll call:

- NGO \& Co (cast by deleted account): abstained

### Wniosek otwarty (opinion)

The vote had not closed when this draft was made.
`, r.markdown(i18n.EN, at(120)))
}

func ptrTime(t time.Time) *time.Time { return &t }
func ptrID(id uuid.UUID) *uuid.UUID  { return &id }

// The HTML export renders Markdown without raw HTML or dangerous links,
// and escapes what it writes itself.
func TestMinutesHTML_NoMarkupFromTheText(t *testing.T) {
	t.Parallel()
	body, err := renderMarkdown("# A <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) [y](https://example.org) " +
		"<a href=\"javascript:alert(2)\">z</a>\n\n| a | b |\n|---|---|\n| 1 | <iframe src=x> |\n")
	require.NoError(t, err)
	doc := htmlDocument(i18n.UK, `Протокол "<script>"`, body, []string{"<b>note</b>"})
	require.True(t, strings.HasPrefix(doc, "<!DOCTYPE html>\n<html lang=\"uk\">"))
	require.Contains(t, doc, "<title>Протокол &#34;&lt;script&gt;&#34;</title>")
	require.Contains(t, doc, "<p>&lt;b&gt;note&lt;/b&gt;</p>")
	require.Contains(t, doc, `<a href="https://example.org">y</a>`)
	require.Contains(t, doc, "<table>")
	lower := strings.ToLower(doc)
	for _, bad := range []string{"<script", "<img", "<iframe", "onerror", "javascript:", "<a href=\"javascript"} {
		require.NotContains(t, lower, bad)
	}
}
