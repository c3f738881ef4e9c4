package dialogue

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/poll"
	"github.com/otwarty/otwarty/internal/tally"
)

// The draft of a meeting's minutes, generated from its record in one
// language: when and where; the agenda in order and whether the body
// adopted it; attendance at the start (the quorum then) and over the
// meeting (who of the roll came, in person or remotely, when they arrived
// and left; organisations by their delegates; guests and observers; how
// many of the public; voting members absent); who took the floor on each
// item, in order; and the motions voted at the meeting with their results
// (roll calls for open votes, totals only for secret ones).
//
// Names and texts people wrote are escaped, so that they read as written
// and cannot change the document's structure. Labels come from the
// catalog (dialogue.minutes.*), in the draft's language; texts of the
// body (titles) in that language when translated, else as written.
// Members of the public are counted, never named.

// minutesLabel is a label of the draft in locale l.
func minutesLabel(l i18n.Locale, key string, args map[string]any) string {
	return i18n.T(l, "dialogue.minutes."+key, args)
}

// mdEscape makes text read literally in Markdown: the characters that
// could start inline markup, a link, raw HTML or an entity are escaped,
// and line breaks become spaces. Every text goes after a prefix of its own
// (a list marker, a heading, a label), so markup of a line's start cannot
// begin in it.
func mdEscape(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	var b strings.Builder
	for _, r := range text {
		if strings.ContainsRune("\\`*_[]<>|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rollEntry is a membership active at the meeting's start.
type rollEntry struct {
	memberID uuid.UUID
	role     Role
	person   *uuid.UUID
	name     string // the person's or the organisation's name; "" for a deleted account
	org      bool
	// delegates of an organisation at the start, main ones first.
	delegates []rollDelegate
}

type rollDelegate struct {
	account uuid.UUID
	name    string
}

// meetingRecord is what a draft is made of.
type meetingRecord struct {
	g       *gathering.Gathering
	body    *Body
	texts   map[uuid.UUID]*i18n.Text
	agenda  AgendaStatus
	adopted *time.Time
	items   []recordItem
	roll    []*rollEntry
	stays   map[uuid.UUID][]*gathering.Presence // by account
	public  int                                 // people of the public who came
	quorum  Quorum
	motions []recordMotion
	names   map[uuid.UUID]string // accounts and organisations of roll calls
}

type recordItem struct {
	id       uuid.UUID
	position int
	title    uuid.UUID
	speakers []string
}

type recordMotion struct {
	mo       *Motion
	poll     *poll.Poll
	result   *poll.Result
	rollCall []poll.Vote
}

// generate makes the draft of meeting meetingID in locale l. The caller
// has been checked (ActManageMeeting), so the record is read whole.
func (m *Minutes) generate(ctx context.Context, meetingID uuid.UUID, l i18n.Locale) (string, error) {
	r, err := m.record(ctx, meetingID)
	if err != nil {
		return "", err
	}
	return r.markdown(l, m.s.now()), nil
}

func (m *Minutes) record(ctx context.Context, meetingID uuid.UUID) (*meetingRecord, error) {
	q := m.s.pool
	g, err := m.s.meetings.Get(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	b, err := load(ctx, q, g.OwnerID, false)
	if err != nil {
		return nil, err
	}
	r := &meetingRecord{g: g, body: b, stays: map[uuid.UUID][]*gathering.Presence{}, names: map[uuid.UUID]string{}}
	if r.agenda, r.adopted, err = agendaStatus(ctx, q, meetingID); err != nil {
		return nil, err
	}
	textIDs := []uuid.UUID{b.NameTextID, g.TitleTextID}

	rows, err := q.Query(ctx, `select id, position, title_text_id from dialogue_agenda_items where meeting_id = $1 order by position`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("read agenda: %w", err)
	}
	r.items, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (recordItem, error) {
		var i recordItem
		return i, row.Scan(&i.id, &i.position, &i.title)
	})
	if err != nil {
		return nil, fmt.Errorf("read agenda: %w", err)
	}
	byItem := map[uuid.UUID]*recordItem{}
	var itemIDs []uuid.UUID
	for i := range r.items {
		byItem[r.items[i].id] = &r.items[i]
		itemIDs = append(itemIDs, r.items[i].id)
		textIDs = append(textIDs, r.items[i].title)
	}
	// Who took the floor, in the order they got it.
	rows, err = q.Query(ctx, `select p.item_id, coalesce(case when a.deleted_at is null then a.display_name end, '')
		from dialogue_speakers p join accounts a on a.id = p.account_id
		where p.item_id = any($1) and p.floor_at is not null order by p.item_id, p.floor_at, p.position`, itemIDs)
	if err != nil {
		return nil, fmt.Errorf("read speakers: %w", err)
	}
	var itemID uuid.UUID
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&itemID, &name}, func() error {
		byItem[itemID].speakers = append(byItem[itemID].speakers, name)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read speakers: %w", err)
	}

	if err := r.readRoll(ctx, q); err != nil {
		return nil, err
	}
	stays, err := m.s.meetings.Stays(ctx, q, meetingID)
	if err != nil {
		return nil, err
	}
	onRoll := map[uuid.UUID]bool{}
	for _, e := range r.roll {
		if e.person != nil {
			onRoll[*e.person] = true
		}
		for _, d := range e.delegates {
			onRoll[d.account] = true
		}
	}
	public := map[uuid.UUID]bool{}
	for _, p := range stays {
		r.stays[p.AccountID] = append(r.stays[p.AccountID], p)
		if !onRoll[p.AccountID] {
			public[p.AccountID] = true
		}
	}
	r.public = len(public)
	if err := r.quorumAtStart(ctx, q); err != nil {
		return nil, err
	}

	// The motions voted at the meeting, in the order they were decided.
	rows, err = q.Query(ctx, `select `+motionColumns+` from dialogue_motions m where m.meeting_id = $1
		order by m.decided_at nulls last, m.tabled_at, m.id`, meetingID)
	if err != nil {
		return nil, fmt.Errorf("read motions: %w", err)
	}
	motions, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*Motion, error) { return scanMotion(row) })
	if err != nil {
		return nil, fmt.Errorf("read motions: %w", err)
	}
	var accounts, orgs []uuid.UUID
	for _, mo := range motions {
		if mo.PollID == nil {
			continue
		}
		rm := recordMotion{mo: mo}
		if rm.poll, err = m.motions.Vote(ctx, mo); err != nil {
			return nil, err
		}
		if rm.result, err = m.motions.Result(ctx, mo); err != nil {
			return nil, err
		}
		if !rm.poll.Secret && rm.result != nil {
			if rm.rollCall, err = m.motions.RollCall(ctx, mo); err != nil {
				return nil, err
			}
			for _, v := range rm.rollCall {
				if v.Voter.Kind == "org" {
					orgs = append(orgs, v.Voter.ID)
				} else {
					accounts = append(accounts, v.Voter.ID)
				}
				if v.CastBy != uuid.Nil {
					accounts = append(accounts, v.CastBy)
				}
			}
		}
		textIDs = append(textIDs, mo.TitleTextID)
		r.motions = append(r.motions, rm)
	}
	if err := r.readNames(ctx, q, accounts, orgs); err != nil {
		return nil, err
	}
	if r.texts, err = i18n.Load(ctx, q, textIDs); err != nil {
		return nil, err
	}
	return r, nil
}

// readRoll reads the memberships active at the meeting's start, with the
// organisations' delegates then.
func (r *meetingRecord) readRoll(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) error {
	rows, err := q.Query(ctx, `select m.id, m.role, m.account_id,
			coalesce(case when m.account_id is null then o.name when a.deleted_at is null then a.display_name end, ''),
			m.organisation_id is not null
		from dialogue_members m left join accounts a on a.id = m.account_id
		left join organisations o on o.id = m.organisation_id
		where m.body_id = $1 and `+activeAt("m", "$2")+` order by m.term_start, m.id`, r.body.ID, r.g.StartsAt)
	if err != nil {
		return fmt.Errorf("read roll: %w", err)
	}
	r.roll, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (*rollEntry, error) {
		var e rollEntry
		return &e, row.Scan(&e.memberID, &e.role, &e.person, &e.name, &e.org)
	})
	if err != nil {
		return fmt.Errorf("read roll: %w", err)
	}
	byID := map[uuid.UUID]*rollEntry{}
	var ids []uuid.UUID
	for _, e := range r.roll {
		byID[e.memberID] = e
		ids = append(ids, e.memberID)
	}
	rows, err = q.Query(ctx, `select d.member_id, d.account_id, coalesce(case when a.deleted_at is null then a.display_name end, '')
		from dialogue_delegates d join accounts a on a.id = d.account_id
		where d.member_id = any($1) and `+delegateAt("d", "$2")+` order by d.member_id, d.kind, d.since, d.account_id`, ids, r.g.StartsAt)
	if err != nil {
		return fmt.Errorf("read delegates: %w", err)
	}
	var memberID uuid.UUID
	var d rollDelegate
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&memberID, &d.account, &d.name}, func() error {
		byID[memberID].delegates = append(byID[memberID].delegates, d)
		return nil
	}); err != nil {
		return fmt.Errorf("read delegates: %w", err)
	}
	// Guests invited by hand to this meeting alone: on its roll, not the
	// body's, so never counted among the public. One also on the body's
	// roll appears once, in their seat.
	onRoll := map[uuid.UUID]bool{}
	for _, e := range r.roll {
		if e.person != nil {
			onRoll[*e.person] = true
		}
	}
	rows, err = q.Query(ctx, `select g.account_id, coalesce(case when a.deleted_at is null then a.display_name end, '')
		from dialogue_meeting_guests g join accounts a on a.id = g.account_id
		where g.meeting_id = $1 order by a.display_name, g.account_id`, r.g.ID)
	if err != nil {
		return fmt.Errorf("read meeting guests: %w", err)
	}
	var guest uuid.UUID
	if _, err := pgx.ForEachRow(rows, []any{&guest, &name}, func() error {
		if !onRoll[guest] {
			id := guest
			r.roll = append(r.roll, &rollEntry{role: RoleGuest, person: &id, name: name})
		}
		return nil
	}); err != nil {
		return fmt.Errorf("read meeting guests: %w", err)
	}
	return nil
}

// quorumAtStart counts the votes present at the scheduled start (stays
// recorded by then: check-in opens before the start) against the body's
// voting members then, by the body's quorum rule.
func (r *meetingRecord) quorumAtStart(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
	QueryRow(context.Context, string, ...any) pgx.Row
}) error {
	voters, err := VotingMembers(ctx, q, r.body.ID, r.g.StartsAt)
	if err != nil {
		return err
	}
	present := 0
	for _, v := range voters {
		if slices.ContainsFunc(v.Accounts, func(a uuid.UUID) bool { return r.presentAt(a, r.g.StartsAt, true) }) {
			present++
		}
	}
	res, err := tally.Decide(r.body.Rules.Tally(""), tally.Vote{Members: len(voters), Present: present})
	if err != nil {
		return fmt.Errorf("quorum: %w", err)
	}
	r.quorum = Quorum{Present: present, Members: len(voters), Required: res.Quorum,
		Reached: len(voters) > 0 && res.Outcome != tally.Invalid}
	return nil
}

// presentAt says whether account was present at t (remotely only when it
// counts, for the quorum).
func (r *meetingRecord) presentAt(account uuid.UUID, t time.Time, quorum bool) bool {
	for _, p := range r.stays[account] {
		if quorum && p.Mode == gathering.Remote && !r.body.Rules.RemoteAttendanceCounts {
			continue
		}
		if !p.Since.After(t) && (p.LeftAt == nil || p.LeftAt.After(t)) {
			return true
		}
	}
	return false
}

func (r *meetingRecord) readNames(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, accounts, orgs []uuid.UUID) error {
	rows, err := q.Query(ctx, `select id, coalesce(case when deleted_at is null then display_name end, '') from accounts where id = any($1)
		union all select id, name from organisations where id = any($2)`, accounts, orgs)
	if err != nil {
		return fmt.Errorf("read names: %w", err)
	}
	var id uuid.UUID
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { r.names[id] = name; return nil }); err != nil {
		return fmt.Errorf("read names: %w", err)
	}
	return nil
}

// markdown writes the draft in locale l; now says whether stays still open
// are over (the meeting ended).
func (r *meetingRecord) markdown(l i18n.Locale, now time.Time) string {
	var b strings.Builder
	lab := func(key string, args map[string]any) string { return minutesLabel(l, key, args) }
	text := func(id uuid.UUID) string {
		if t := r.texts[id]; t != nil {
			return mdEscape(t.Resolve(l).Text)
		}
		return ""
	}
	person := func(name string) string {
		if name == "" {
			return lab("deleted_account", nil)
		}
		return mdEscape(name)
	}
	clock := func(t time.Time) string { return t.In(i18n.Warsaw).Format("15:04") }
	stamp := func(t time.Time) string { return t.In(i18n.Warsaw).Format("2006-01-02 15:04") }
	coll := collate.New(language.Make(string(l)))

	fmt.Fprintf(&b, "# %s\n\n", lab("title", map[string]any{"body": text(r.body.NameTextID)}))
	fmt.Fprintf(&b, "## %s\n\n", text(r.g.TitleTextID))
	fmt.Fprintf(&b, "- **%s:** %s, %s–%s\n", lab("date", nil), r.g.StartsAt.In(i18n.Warsaw).Format("2006-01-02"),
		clock(r.g.StartsAt), clock(r.g.EndsAt))
	if r.g.Place != "" {
		fmt.Fprintf(&b, "- **%s:** %s\n", lab("place", nil), mdEscape(r.g.Place))
	}
	if r.g.Online || r.g.OnlineURL != "" {
		fmt.Fprintf(&b, "- **%s:** %s\n", lab("online", nil), lab("online_yes", nil))
	}
	if len(r.g.Languages) > 0 {
		langs := make([]string, len(r.g.Languages))
		for i, x := range r.g.Languages {
			langs[i] = strings.ToUpper(x)
		}
		fmt.Fprintf(&b, "- **%s:** %s\n", lab("languages", nil), strings.Join(langs, ", "))
	}

	fmt.Fprintf(&b, "\n## %s\n\n", lab("agenda", nil))
	if r.agenda == AgendaAdopted && r.adopted != nil {
		fmt.Fprintf(&b, "%s\n\n", lab("agenda_adopted", map[string]any{"at": stamp(*r.adopted)}))
	} else {
		fmt.Fprintf(&b, "%s\n\n", lab("agenda_not_adopted", nil))
	}
	if len(r.items) == 0 {
		fmt.Fprintf(&b, "%s\n", lab("agenda_empty", nil))
	}
	for _, i := range r.items {
		fmt.Fprintf(&b, "%d. %s\n", i.position, text(i.title))
	}

	// Attendance.
	fmt.Fprintf(&b, "\n## %s\n\n", lab("attendance", nil))
	qkey := "quorum_not_reached"
	if r.quorum.Reached {
		qkey = "quorum_reached"
	}
	fmt.Fprintf(&b, "%s\n\n", lab(qkey, map[string]any{"at": clock(r.g.StartsAt), "present": r.quorum.Present,
		"members": r.quorum.Members, "required": r.quorum.Required}))
	stays := func(account uuid.UUID) []string {
		var out []string
		for _, p := range r.stays[account] {
			mode := lab("in_person", nil)
			if p.Mode == gathering.Remote {
				mode = lab("remote", nil)
			}
			switch {
			case p.LeftAt != nil:
				out = append(out, lab("stay", map[string]any{"mode": mode, "from": clock(p.Since), "to": clock(*p.LeftAt)}))
			case !now.Before(r.g.EndsAt):
				out = append(out, lab("stay", map[string]any{"mode": mode, "from": clock(p.Since), "to": clock(r.g.EndsAt)}))
			default:
				out = append(out, lab("stay_open", map[string]any{"mode": mode, "from": clock(p.Since)}))
			}
		}
		return out
	}
	role := func(ro Role) string { return i18n.T(l, roleLabel+string(ro), nil) }
	type line struct {
		rank       int
		name, text string
	}
	var present, others, absent []line
	for _, e := range r.roll {
		head := fmt.Sprintf("%s (%s)", person(e.name), role(e.role))
		if e.org {
			head = fmt.Sprintf("%s (%s)", mdEscape(e.name), role(e.role))
		}
		var came []string
		if e.person != nil {
			if s := stays(*e.person); len(s) > 0 {
				came = append(came, strings.Join(s, "; "))
			}
		}
		for _, d := range e.delegates {
			if s := stays(d.account); len(s) > 0 {
				came = append(came, person(d.name)+" — "+strings.Join(s, "; "))
			}
		}
		ln := line{rank: roleRank(e.role), name: e.name}
		switch {
		case len(came) > 0 && e.org:
			ln.text = head + ", " + lab("represented_by", map[string]any{"names": strings.Join(came, "; ")})
		case len(came) > 0:
			ln.text = head + ": " + came[0]
		default:
			ln.text = head
		}
		switch {
		case len(came) > 0 && e.role.Votes():
			present = append(present, ln)
		case len(came) > 0:
			others = append(others, ln)
		case e.role.Votes():
			absent = append(absent, ln)
		}
	}
	list := func(heading string, lines []line) {
		fmt.Fprintf(&b, "### %s\n\n", heading)
		if len(lines) == 0 {
			fmt.Fprintf(&b, "%s\n\n", lab("none", nil))
			return
		}
		slices.SortStableFunc(lines, func(a, c line) int {
			if a.rank != c.rank {
				return a.rank - c.rank
			}
			return coll.CompareString(a.name, c.name)
		})
		for _, ln := range lines {
			fmt.Fprintf(&b, "- %s\n", ln.text)
		}
		b.WriteString("\n")
	}
	list(lab("members_present", nil), present)
	list(lab("guests_present", nil), others)
	fmt.Fprintf(&b, "%s\n\n", lab("public_present", map[string]any{"n": r.public}))
	list(lab("absent", nil), absent)

	// Proceedings: who took the floor on each item.
	fmt.Fprintf(&b, "## %s\n\n", lab("proceedings", nil))
	if len(r.items) == 0 {
		fmt.Fprintf(&b, "%s\n\n", lab("agenda_empty", nil))
	}
	for _, i := range r.items {
		fmt.Fprintf(&b, "### %d. %s\n\n", i.position, text(i.title))
		if len(i.speakers) == 0 {
			fmt.Fprintf(&b, "%s\n\n", lab("no_speakers", nil))
			continue
		}
		names := make([]string, len(i.speakers))
		for k, s := range i.speakers {
			names[k] = strconv.Itoa(k+1) + ") " + person(s)
		}
		fmt.Fprintf(&b, "%s %s\n\n", lab("speakers", nil), strings.Join(names, ", "))
	}

	// Votes.
	fmt.Fprintf(&b, "## %s\n\n", lab("votes", nil))
	if len(r.motions) == 0 {
		fmt.Fprintf(&b, "%s\n\n", lab("no_votes", nil))
	}
	for _, rm := range r.motions {
		kind := lab("kind_"+string(rm.mo.Kind), nil)
		if rm.mo.ParentID != nil {
			kind = lab("amendment", map[string]any{"kind": kind})
		}
		fmt.Fprintf(&b, "### %s (%s)\n\n", text(rm.mo.TitleTextID), kind)
		if rm.result == nil {
			fmt.Fprintf(&b, "%s\n\n", lab("vote_open", nil))
			continue
		}
		outcome := lab("outcome_"+string(rm.result.Outcome), nil)
		fmt.Fprintf(&b, "%s %s\n\n", lab("result", map[string]any{"outcome": outcome}),
			lab("totals", map[string]any{"yes": rm.result.Yes, "no": rm.result.No, "abstain": rm.result.Abstain,
				"voters": rm.result.Voters, "members": rm.result.Members, "needed": rm.result.Tally.Needed}))
		if rm.result.Tally.ByCastingVote {
			fmt.Fprintf(&b, "%s\n\n", lab("casting_vote", nil))
		}
		if rm.poll.Secret {
			fmt.Fprintf(&b, "%s\n\n", lab("secret", nil))
			continue
		}
		type vote struct{ name, text string }
		votes := make([]vote, 0, len(rm.rollCall))
		for _, v := range rm.rollCall {
			name := r.names[v.Voter.ID]
			who := person(name)
			if v.Voter.Kind == "org" {
				who = lab("cast_by", map[string]any{"org": mdEscape(name), "name": person(r.names[v.CastBy])})
			}
			votes = append(votes, vote{name, fmt.Sprintf("- %s: %s", who, lab("choice_"+string(v.Choice), nil))})
		}
		slices.SortStableFunc(votes, func(a, c vote) int { return coll.CompareString(a.name, c.name) })
		fmt.Fprintf(&b, "%s\n\n", lab("roll_call", nil))
		for _, v := range votes {
			fmt.Fprintf(&b, "%s\n", v.text)
		}
		b.WriteString("\n")
	}
	return strings.TrimSpace(b.String()) + "\n"
}

// roleRank orders the roll: the chair first, then the deputy, the
// secretary, members, guests, observers.
func roleRank(r Role) int {
	return slices.Index([]Role{RoleChair, RoleDeputyChair, RoleSecretary, RoleMember, RoleGuest, RoleObserver}, r)
}
