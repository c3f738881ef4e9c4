package consultation_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
)

// goodDraft creates a draft that passes every rule when published now.
func goodDraft(t *testing.T, b *bundle, ctx context.Context, unit uuid.UUID) *consultation.Consultation {
	t.Helper()
	now := b.clock.Now()
	c, err := b.svc.Create(ctx, consultation.CreateInput{
		UnitID: unit, Title: pl("Nowe ścieżki rowerowe"), Summary: pl("Krótko o projekcie."),
		Tags: []string{"rowery", "transport"}, Districts: []string{"podgorze", "debniki"},
		Forms:      []string{consultation.FormOnlineSubmissions, consultation.FormSurvey, consultation.FormMeeting},
		AnnounceAt: at(now), OpensAt: at(now.Add(10 * 24 * time.Hour)), ClosesAt: at(now.Add(40 * 24 * time.Hour)),
		Sections: []consultation.SectionInput{{Heading: pl("Cel"), Body: pl("Po co to robimy.")},
			{Heading: pl("Trasy"), Body: pl("Którędy pojedziemy.")}},
		Questions: []i18n.Input{pl("Czy jeździsz rowerem?")},
	})
	require.NoError(t, err)
	return c
}

func TestCreate_StoresDraftWithTextsSectionsAndAudit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	c := goodDraft(t, b, official, b.unitID)
	require.Equal(t, consultation.StatusDraft, c.Status)
	require.Equal(t, []string{"rowery", "transport"}, c.Tags)
	require.Equal(t, []string{"podgorze", "debniki"}, c.Districts)
	require.NotNil(t, c.SummaryTextID)
	require.Nil(t, c.BodyTextID)
	require.True(t, c.ReportDueAt.Equal(c.ClosesAt.In(consultation.Warsaw).AddDate(0, 0, 60)))

	texts, err := i18n.Load(b.ctx, b.pool, []uuid.UUID{c.TitleTextID})
	require.NoError(t, err)
	require.Equal(t, "Nowe ścieżki rowerowe", texts[c.TitleTextID].Current[i18n.PL].Body)
	require.ElementsMatch(t, []string{consultation.Domain(c.ID), "org:" + b.unitID.String()}, texts[c.TitleTextID].Domains)

	sections, err := b.svc.Sections(official, c.ID)
	require.NoError(t, err)
	require.Len(t, sections, 2)
	require.Equal(t, []int{0, 1}, []int{sections[0].Position, sections[1].Position})
	questions, err := b.svc.Questions(official, c.ID)
	require.NoError(t, err)
	require.Len(t, questions, 1)

	var n int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'consultation.create' and object_id = $1`,
		c.ID.String()).Scan(&n))
	require.Equal(t, 1, n)
}

func TestCreate_ValidatesInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	ngo := b.organisation(t, "ngo")
	coordinator := b.coordinator(t)
	base := consultation.CreateInput{UnitID: b.unitID, Title: pl("Tytuł")}
	for name, tc := range map[string]struct {
		ctx    context.Context
		mutate func(*consultation.CreateInput)
		want   error
	}{
		"no title":      {official, func(in *consultation.CreateInput) { in.Title.Text = "  " }, apperr.Invalid("title", "consultation.text_required")},
		"ngo as unit":   {coordinator, func(in *consultation.CreateInput) { in.UnitID = ngo }, apperr.Invalid("unitId", "consultation.unit_invalid")},
		"no such unit":  {coordinator, func(in *consultation.CreateInput) { in.UnitID = uuid.New() }, apperr.Invalid("unitId", "consultation.unit_invalid")},
		"bad district":  {official, func(in *consultation.CreateInput) { in.Districts = []string{"kazimierz"} }, apperr.Invalid("districts", "consultation.district_invalid")},
		"tag uppercase": {official, func(in *consultation.CreateInput) { in.Tags = []string{"Rowery"} }, apperr.Invalid("tags", "consultation.tag_invalid")},
		"tag too long":  {official, func(in *consultation.CreateInput) { in.Tags = []string{"a123456789-123456789-123456789-1234567890"} }, apperr.Invalid("tags", "consultation.tag_invalid")},
		"too many tags": {official, func(in *consultation.CreateInput) { in.Tags = manyTags(21) }, apperr.Invalid("tags", "consultation.too_many_tags")},
		"bad form":      {official, func(in *consultation.CreateInput) { in.Forms = []string{"referendum"} }, apperr.Invalid("forms", "consultation.form_invalid")},
		"closes first": {official, func(in *consultation.CreateInput) {
			in.OpensAt, in.ClosesAt = at(time.Now().Add(time.Hour)), at(time.Now())
		}, apperr.Invalid("closesAt", "consultation.schedule_order")},
		"other unit":     {official, func(in *consultation.CreateInput) { in.UnitID = b.organisation(t, "city_unit") }, apperr.ErrForbidden},
		"resident":       {b.as(b.account(t, "r@otwarty.test", true), true), func(*consultation.CreateInput) {}, apperr.ErrForbidden},
		"anonymous":      {b.anonymous(), func(*consultation.CreateInput) {}, apperr.ErrUnauthenticated},
		"anonymous+junk": {b.anonymous(), func(in *consultation.CreateInput) { in.Tags = []string{"BAD"} }, apperr.ErrUnauthenticated},
	} {
		in := base
		tc.mutate(&in)
		_, err := b.svc.Create(tc.ctx, in)
		require.ErrorIs(t, err, tc.want, name)
	}
	_, err := b.svc.Create(official, consultation.CreateInput{UnitID: b.unitID, Title: pl("Tytuł"), Tags: manyTags(20)})
	require.NoError(t, err)
	for _, key := range []string{"consultation.text_required", "consultation.unit_invalid", "consultation.district_invalid",
		"consultation.tag_invalid", "consultation.too_many_tags", "consultation.form_invalid", "consultation.schedule_order",
		"consultation.not_draft", "consultation.rules_failed", "consultation.override_invalid", "consultation.reason_required",
		"consultation.phase_invalid", "consultation.moderator_org_invalid", "consultation.moderator_account_invalid"} {
		require.True(t, i18n.Has(key), key)
	}
}

func manyTags(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "tag-" + string(rune('a'+i))
	}
	return out
}

func TestPermissions_DraftsAreStaffOnlyAndOtherUnitsSeeNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	official := b.official(t)
	c := goodDraft(t, b, official, b.unitID)

	otherUnit := b.organisation(t, "city_unit")
	_, otherOfficial := b.staff(t, authz.RoleOfficial, "org:"+otherUnit.String())
	_, resident := b.resident(t)
	for name, ctx := range map[string]context.Context{"other official": otherOfficial, "resident": resident} {
		_, err := b.svc.Get(ctx, c.ID)
		require.ErrorIs(t, err, apperr.ErrNotFound, name)
		_, err = b.svc.Check(ctx, c.ID)
		require.ErrorIs(t, err, apperr.ErrNotFound, name)
		_, err = b.svc.Publish(ctx, c.ID, nil)
		require.ErrorIs(t, err, apperr.ErrNotFound, name)
		_, err = b.svc.Sections(ctx, c.ID)
		require.ErrorIs(t, err, apperr.ErrNotFound, name)
		_, err = b.svc.UpdateDraft(ctx, c.ID, consultation.UpdateInput{Tags: &[]string{"x"}})
		require.ErrorIs(t, err, apperr.ErrNotFound, name)
		require.ErrorIs(t, b.svc.Follow(ctx, c.ID), apperr.ErrNotFound, name)
		got, err := b.svc.ByIDs(ctx, []uuid.UUID{c.ID})
		require.NoError(t, err)
		require.Empty(t, got, name)
	}
	_, err := b.svc.Get(b.anonymous(), c.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	_, err = b.svc.Publish(b.anonymous(), c.ID, nil)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Check(b.anonymous(), c.ID)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)

	coordinator := b.coordinator(t)
	_, err = b.svc.Get(coordinator, c.ID)
	require.NoError(t, err)
	pub, err := b.svc.Publish(coordinator, c.ID, nil)
	require.NoError(t, err)
	require.Equal(t, consultation.StatusAnnounced, pub.Status)
	require.Empty(t, pub.Overrides)

	// Published, everyone sees it; the other unit's official still may not steer it.
	for _, ctx := range []context.Context{otherOfficial, resident, b.anonymous()} {
		_, err := b.svc.Get(ctx, c.ID)
		require.NoError(t, err)
	}
	_, err = b.svc.ChangePhase(otherOfficial, c.ID, consultation.StatusOpen, "Otwieram cudze konsultacje.")
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.ChangePhase(resident, c.ID, consultation.StatusOpen, "Otwieram cudze konsultacje.")
	require.ErrorIs(t, err, apperr.ErrForbidden)
}

func TestUpdateDraft_ReplacesTextsAndSectionsOnlyInDraft(t *testing.T) {
	t.Parallel()
	b := setup(t)
	author := b.official(t)
	c := goodDraft(t, b, author, b.unitID)
	colleague := b.official(t) // not the texts' author

	title := pl("Ścieżki rowerowe w Podgórzu")
	got, err := b.svc.UpdateDraft(colleague, c.ID, consultation.UpdateInput{
		Title:     &title,
		Districts: &[]string{"podgorze"},
		Sections:  &[]consultation.SectionInput{{Heading: pl("Jedyny"), Body: pl("Jedyny rozdział.")}},
	})
	require.NoError(t, err)
	require.NotEqual(t, c.TitleTextID, got.TitleTextID)
	require.Equal(t, []string{"podgorze"}, got.Districts)
	require.Equal(t, c.Tags, got.Tags)
	texts, err := i18n.Load(b.ctx, b.pool, []uuid.UUID{got.TitleTextID})
	require.NoError(t, err)
	require.Equal(t, "Ścieżki rowerowe w Podgórzu", texts[got.TitleTextID].Current[i18n.PL].Body)
	sections, err := b.svc.Sections(colleague, c.ID)
	require.NoError(t, err)
	require.Len(t, sections, 1)
	questions, err := b.svc.Questions(colleague, c.ID)
	require.NoError(t, err)
	require.Len(t, questions, 1) // not given: kept

	_, err = b.svc.UpdateDraft(b.anonymous(), c.ID, consultation.UpdateInput{})
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	_, err = b.svc.Publish(author, c.ID, nil)
	require.NoError(t, err)
	_, err = b.svc.UpdateDraft(author, c.ID, consultation.UpdateInput{Title: &title})
	require.ErrorIs(t, err, apperr.New(apperr.PhaseClosed, "consultation.not_draft"))
}

func TestList_FiltersDraftsByGrantsAndEveryItemIsVisible(t *testing.T) {
	t.Parallel()
	b := setup(t)
	otherUnit := b.organisation(t, "city_unit")
	officialA := b.official(t)
	_, officialB := b.staff(t, authz.RoleOfficial, "org:"+otherUnit.String())
	draftA := goodDraft(t, b, officialA, b.unitID)
	draftB := goodDraft(t, b, officialB, otherUnit)
	openA := b.openConsultation(t)
	announcedA := b.consultationIn(t, consultation.StatusAnnounced)
	_, resident := b.resident(t)
	coordinator := b.coordinator(t)

	for name, tc := range map[string]struct {
		ctx  context.Context
		want []uuid.UUID
	}{
		"official A":  {officialA, []uuid.UUID{draftA.ID, openA.ID, announcedA.ID}},
		"official B":  {officialB, []uuid.UUID{draftB.ID, openA.ID, announcedA.ID}},
		"coordinator": {coordinator, []uuid.UUID{draftA.ID, draftB.ID, openA.ID, announcedA.ID}},
		"resident":    {resident, []uuid.UUID{openA.ID, announcedA.ID}},
		"anonymous":   {b.anonymous(), []uuid.UUID{openA.ID, announcedA.ID}},
	} {
		var ids []uuid.UUID
		after := ""
		for {
			pg1, err := b.svc.List(tc.ctx, consultation.Filter{}, 1, after)
			page, hasNext, total := pg1.Items, pg1.HasNext, pg1.Total
			require.NoError(t, err, name)
			require.Equal(t, len(tc.want), total, name)
			for _, c := range page {
				ids = append(ids, c.ID)
				_, err := b.svc.Get(tc.ctx, c.ID)
				require.NoError(t, err, name)
			}
			if !hasNext {
				break
			}
			after = page[len(page)-1].Cursor()
		}
		require.ElementsMatch(t, tc.want, ids, name)
	}

	draft := consultation.StatusDraft
	pg2, err := b.svc.List(officialA, consultation.Filter{Status: &draft}, 10, "")
	page, total := pg2.Items, pg2.Total
	require.NoError(t, err)
	require.Equal(t, 1, total)
	require.Equal(t, draftA.ID, page[0].ID)
	district, tag := "debniki", "rowery"
	pg3, err := b.svc.List(coordinator, consultation.Filter{District: &district, Tag: &tag, UnitID: &otherUnit}, 10, "")
	page = pg3.Items
	require.NoError(t, err)
	require.Len(t, page, 1)
	require.Equal(t, draftB.ID, page[0].ID)

	_, err = b.svc.List(resident, consultation.Filter{}, 101, "")
	require.ErrorIs(t, err, apperr.Invalid("first", "input.page_size"))
	_, err = b.svc.List(resident, consultation.Filter{}, 10, "nonsense")
	require.ErrorIs(t, err, apperr.Invalid("after", "input.cursor_invalid"))

	byID, err := b.svc.ByIDs(resident, []uuid.UUID{draftA.ID, draftB.ID, openA.ID})
	require.NoError(t, err)
	require.Len(t, byID, 1)
	require.Contains(t, byID, openA.ID)
	sections, err := b.svc.SectionsOf(resident, []uuid.UUID{draftA.ID, openA.ID})
	require.NoError(t, err)
	require.Len(t, sections, 1)
	require.Len(t, sections[openA.ID], 1)
	questions, err := b.svc.QuestionsOf(officialA, []uuid.UUID{draftA.ID, openA.ID, draftB.ID})
	require.NoError(t, err)
	require.Len(t, questions, 2)
}

func TestFollow_IsIdempotentAndRefusedOnDrafts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	draft := b.consultationIn(t, consultation.StatusDraft)
	resID, resident := b.resident(t)

	require.NoError(t, b.svc.Follow(resident, c.ID))
	require.NoError(t, b.svc.Follow(resident, c.ID))
	ok, err := b.svc.IsFollowing(resident, c.ID)
	require.NoError(t, err)
	require.True(t, ok)
	m, err := b.svc.FollowedBy(b.ctx, resID, []uuid.UUID{c.ID, draft.ID})
	require.NoError(t, err)
	require.Equal(t, map[uuid.UUID]bool{c.ID: true}, m)

	require.ErrorIs(t, b.svc.Follow(resident, draft.ID), apperr.ErrNotFound)
	require.ErrorIs(t, b.svc.Follow(b.anonymous(), c.ID), apperr.ErrUnauthenticated)
	ok, err = b.svc.IsFollowing(b.anonymous(), c.ID)
	require.NoError(t, err)
	require.False(t, ok)
	// Staff see the draft but nobody follows a draft.
	require.ErrorIs(t, b.svc.Follow(b.official(t), draft.ID), apperr.ErrForbidden)

	require.NoError(t, b.svc.Unfollow(resident, c.ID))
	require.NoError(t, b.svc.Unfollow(resident, c.ID))
	ok, err = b.svc.IsFollowing(resident, c.ID)
	require.NoError(t, err)
	require.False(t, ok)
}
