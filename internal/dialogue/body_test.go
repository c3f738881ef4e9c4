package dialogue_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/tally"
)

func TestCreateBody_CoordinatorWithPolishDefaultRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	in := dialogue.CreateInput{UnitID: b.unitID, Kind: dialogue.KindMigrantsCouncil,
		Name: i18n.Input{Locale: i18n.PL, Text: " Rada Migrantów "}, Mandate: i18n.Input{Locale: i18n.EN, Text: "Advises the Mayor."}, Public: true}

	_, err := b.svc.CreateBody(b.anonymous(), in)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.CreateBody(b.as(b.account(t, "resident")), in)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.CreateBody(b.official, in)
	require.ErrorIs(t, err, apperr.ErrForbidden, "officials keep bodies, coordinators create them")

	body, err := b.svc.CreateBody(b.coordinator, in)
	require.NoError(t, err)
	require.Equal(t, dialogue.KindMigrantsCouncil, body.Kind)
	require.Equal(t, dialogue.StatusActive, body.Status)
	require.True(t, body.Public)
	require.NotNil(t, body.MandateTextID)
	require.Equal(t, dialogue.Rules{Quorum: tally.Half, Majority: dialogue.MajoritySimple, ChairBreaksTies: true,
		RemoteAttendanceCounts: true, DocumentsPublic: true}, body.Rules)
	texts, err := i18n.Load(b.ctx, b.pool, []uuid.UUID{body.NameTextID})
	require.NoError(t, err)
	require.Equal(t, "Rada Migrantów", texts[body.NameTextID].Resolve(i18n.PL).Text)

	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'dialogue.body_create' and object_id = $1`,
		body.ID.String()).Scan(&audited))
	require.Equal(t, 1, audited)
}

func TestCreateBody_RefusesBadInputWithItsField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ngo := b.organisation(t, "ngo")
	good := func() dialogue.CreateInput {
		return dialogue.CreateInput{UnitID: b.unitID, Kind: dialogue.KindWorkingGroup, Name: i18n.Input{Locale: i18n.PL, Text: "Zespół"}}
	}
	for name, c := range map[string]struct {
		edit  func(*dialogue.CreateInput)
		field string
	}{
		"kind":       {func(in *dialogue.CreateInput) { in.Kind = "senate" }, "kind"},
		"no name":    {func(in *dialogue.CreateInput) { in.Name.Text = "  " }, "name"},
		"bad locale": {func(in *dialogue.CreateInput) { in.Mandate = i18n.Input{Locale: "ua", Text: "x"} }, "mandate"},
		"not a unit": {func(in *dialogue.CreateInput) { in.UnitID = ngo }, "unitId"},
		"quorum 0":   {func(in *dialogue.CreateInput) { in.Rules.Quorum = &tally.Fraction{N: 0, D: 2} }, "quorum"},
		"quorum 3/2": {func(in *dialogue.CreateInput) { in.Rules.Quorum = &tally.Fraction{N: 3, D: 2} }, "quorum"},
		"majority":   {func(in *dialogue.CreateInput) { in.Rules.Majority = ptr(dialogue.Majority("most")) }, "majority"},
	} {
		in := good()
		c.edit(&in)
		_, err := b.svc.CreateBody(b.coordinator, in)
		var e *apperr.Error
		require.ErrorAs(t, err, &e, name)
		require.Equal(t, apperr.InvalidInput, e.Code, name)
		require.Equal(t, c.field, e.Field, name)
	}
}

func TestRules_TallyAlignsWithTheArithmetic(t *testing.T) {
	t.Parallel()
	r := dialogue.DefaultRules()
	require.Equal(t, tally.Rule{Quorum: tally.Half, Base: tally.BaseVotesFor, Share: tally.Half, CastingVote: true}, r.Tally(""))
	require.Equal(t, tally.Rule{Quorum: tally.Half, Base: tally.BaseMembers, Share: tally.Half, CastingVote: true},
		r.Tally(dialogue.MajorityAbsolute))
	r.ChairBreaksTies = false
	r.Quorum = tally.TwoThirds
	require.Equal(t, tally.Rule{Quorum: tally.TwoThirds, Base: tally.BaseCast, Share: tally.TwoThirds, AtLeast: true},
		r.Tally(dialogue.MajorityTwoThirds))
	// 4 of 7 present, 2 for, 1 against, 1 abstaining: a simple majority adopts.
	res, err := tally.Decide(dialogue.DefaultRules().Tally(""), tally.Vote{Members: 7, Present: 4, For: 2, Against: 1, Abstain: 1})
	require.NoError(t, err)
	require.Equal(t, tally.Adopted, res.Outcome)
}

func TestUpdateBody_UnitOfficialsKeepItAndOthersDoNot(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, true)
	otherUnit := b.organisation(t, "city_unit")
	_, elsewhere := b.staff(t, authz.RoleOfficial, authz.Domain("org", otherUnit))
	in := dialogue.UpdateInput{Name: &i18n.Input{Locale: i18n.PL, Text: "Rada ds. Migrantów"},
		Rules: dialogue.RulesPatch{Majority: ptr(dialogue.MajorityAbsolute), VotesChangeableBeforeClose: ptr(true)}}

	_, err := b.svc.UpdateBody(elsewhere, body.ID, in)
	require.ErrorIs(t, err, apperr.ErrForbidden, "a public body is seen, but kept by its own unit")
	got, err := b.svc.UpdateBody(b.official, body.ID, in)
	require.NoError(t, err)
	require.NotEqual(t, body.NameTextID, got.NameTextID, "a new name is a new text; the old one stays")
	require.Equal(t, dialogue.MajorityAbsolute, got.Rules.Majority)
	require.True(t, got.Rules.VotesChangeableBeforeClose)
	require.True(t, got.Rules.ChairBreaksTies, "rules not given stay")
}

func TestNonPublicBody_OnlyMembersNowAndStaffSeeIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	secret := b.body(t, false)
	b.clock.Advance(time.Minute) // newest first
	b.body(t, true)
	alice, bob := b.account(t, "alice"), b.account(t, "bob")
	otherUnit := b.organisation(t, "city_unit")
	_, elsewhere := b.staff(t, authz.RoleOfficial, authz.Domain("org", otherUnit))
	b.person(t, secret.ID, alice, dialogue.RoleMember)

	visible := func(ctx context.Context) []string {
		t.Helper()
		p, err := b.svc.Bodies(ctx, dialogue.Filter{}, 50, "")
		require.NoError(t, err)
		var out []string
		for _, x := range p.Items {
			_, err := b.svc.Body(ctx, x.ID)
			require.NoError(t, err, "every listed body is visible by id")
			out = append(out, map[bool]string{true: "secret", false: "open"}[x.ID == secret.ID])
		}
		require.Equal(t, len(out), p.Total)
		return out
	}
	require.Equal(t, []string{"open"}, visible(b.anonymous()))
	require.Equal(t, []string{"open"}, visible(b.as(bob)))
	require.Equal(t, []string{"open"}, visible(elsewhere))
	require.Equal(t, []string{"open", "secret"}, visible(b.as(alice)))
	require.Equal(t, []string{"open", "secret"}, visible(b.official))
	require.Equal(t, []string{"open", "secret"}, visible(b.coordinator))
	for _, c := range []struct {
		f    dialogue.Filter
		want int
	}{
		{dialogue.Filter{Kind: ptr(dialogue.KindAdvisoryCouncil), UnitID: &b.unitID, Status: ptr(dialogue.StatusActive)}, 2},
		{dialogue.Filter{Kind: ptr(dialogue.KindWorkingGroup)}, 0},
		{dialogue.Filter{Status: ptr(dialogue.StatusDissolved)}, 0},
		{dialogue.Filter{UnitID: &otherUnit}, 0},
	} {
		p, err := b.svc.Bodies(b.coordinator, c.f, 10, "")
		require.NoError(t, err)
		require.Equal(t, c.want, p.Total, "%+v", c.f)
	}
	first, err := b.svc.Bodies(b.coordinator, dialogue.Filter{}, 1, "")
	require.NoError(t, err)
	require.True(t, first.HasNext)
	rest, err := b.svc.Bodies(b.coordinator, dialogue.Filter{}, 1, first.Items[0].Cursor())
	require.NoError(t, err)
	require.Equal(t, secret.ID, rest.Items[0].ID)
	require.False(t, rest.HasNext)

	_, err = b.svc.Body(b.as(bob), secret.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.UpdateBody(b.as(bob), secret.ID, dialogue.UpdateInput{Public: ptr(true)})
	require.ErrorIs(t, err, apperr.ErrNotFound, "NOT_FOUND before FORBIDDEN")

	// A year and a day later alice's term is over: nothing marked it yet,
	// and still she no longer sees the body.
	b.clock.Advance(366 * 24 * time.Hour)
	require.Equal(t, []string{"open"}, visible(b.as(alice)))
	_, err = b.svc.Body(b.as(alice), secret.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
}

func TestDissolveBody_EndsMembershipsAndClosesTheBody(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.body(t, true)
	alice := b.account(t, "alice")
	m := b.person(t, body.ID, alice, dialogue.RoleChair)

	_, err := b.svc.DissolveBody(b.official, body.ID, "koniec kadencji rady")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.DissolveBody(b.coordinator, body.ID, "x")
	require.ErrorIs(t, err, apperr.Invalid("reason", "dialogue.reason_required"))
	got, err := b.svc.DissolveBody(b.coordinator, body.ID, "reorganizacja wydziału")
	require.NoError(t, err)
	require.Equal(t, dialogue.StatusDissolved, got.Status)
	require.Equal(t, b.clock.Now(), got.DissolvedAt.In(time.Local))

	mm, err := b.svc.Member(b.anonymous(), m.ID)
	require.NoError(t, err)
	end, why := mm.End(b.clock.Now())
	require.Equal(t, dialogue.EndBodyDissolved, why)
	require.Equal(t, b.clock.Now(), end.In(time.Local))

	_, err = b.svc.DissolveBody(b.coordinator, body.ID, "raz jeszcze")
	require.ErrorIs(t, err, dialogue.ErrDissolved)
	_, err = b.svc.UpdateBody(b.official, body.ID, dialogue.UpdateInput{Public: ptr(false)})
	require.ErrorIs(t, err, dialogue.ErrDissolved)
	end2 := b.clock.Now().AddDate(1, 0, 0)
	_, err = b.svc.Appoint(b.coordinator, dialogue.AppointInput{BodyID: body.ID, AccountID: &alice, Role: dialogue.RoleMember, TermEnd: &end2})
	require.ErrorIs(t, err, dialogue.ErrDissolved)
	require.Equal(t, apperr.PhaseClosed, apperr.CodeOf(err))
	acts, err := b.svc.Actions(b.coordinator, got)
	require.NoError(t, err)
	require.Equal(t, dialogue.BodyActions{}, acts)
}
