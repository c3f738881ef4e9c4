package ambassador_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/identity"
)

func requireCode(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	require.Error(t, err)
	var e *apperr.Error
	require.ErrorAs(t, err, &e, "%v", err)
	require.Equal(t, code, e.Code, "%v", err)
	if key != "" {
		require.Equal(t, key, e.Key)
	}
}

func TestEdition_DefaultsDraftVisibilityAndPublication(t *testing.T) {
	t.Parallel()
	b := setup(t)

	e, err := b.svc.CreateEdition(b.coordinator, ambassador.CreateInput{Year: 2026, Schedule: b.schedule(),
		Call: call()[:2]})
	require.NoError(t, err)
	require.Equal(t, ambassador.StatusDraft, e.Status)
	require.Equal(t, ambassador.PhaseDraft, e.Phase)
	cats, err := b.svc.Categories(b.ctx, e.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"organisation", "individual"}, []string{cats[0].Kind, cats[1].Kind})
	require.Equal(t, []int{2, 2}, []int{cats[0].Titles, cats[1].Titles})
	crit, err := b.svc.Criteria(b.ctx, e.ID)
	require.NoError(t, err)
	require.Len(t, crit, 4)
	for i, code := range []string{"length", "results", "innovation", "variety"} {
		require.Equal(t, code, crit[i].Code)
		require.Equal(t, []int{1, 0, 10}, []int{crit[i].Weight, crit[i].ScaleMin, crit[i].ScaleMax})
	}

	// A draft is the staff's: residents and the anonymous do not see it,
	// nor a list shows it to them.
	resident, _ := b.account(t, "resident", "pl")
	_, err = b.svc.Edition(b.as(resident), e.ID)
	requireCode(t, err, apperr.NotFound, "")
	p, err := b.svc.Editions(b.as(resident), 20, "")
	require.NoError(t, err)
	require.Equal(t, 1, p.Total)
	p, err = b.svc.Editions(b.coordinator, 20, "")
	require.NoError(t, err)
	require.Equal(t, 2, p.Total)
	require.Equal(t, 2026, p.Items[0].Year)

	// The call must be in all four languages; only then it publishes.
	_, err = b.svc.PublishEdition(b.coordinator, e.ID)
	requireCode(t, err, apperr.InvalidInput, "ambassador.call_languages")
	titles := 1
	_, err = b.svc.UpdateEdition(b.coordinator, e.ID, ambassador.UpdateInput{Call: call(), IndividualTitles: &titles,
		Criteria: []ambassador.CriterionInput{{Name: i18n.Input{Locale: i18n.PL, Text: "Zasięg"}, Weight: 3, ScaleMin: 1, ScaleMax: 5}}})
	require.NoError(t, err)
	e, err = b.svc.PublishEdition(b.coordinator, e.ID)
	require.NoError(t, err)
	require.Equal(t, ambassador.PhaseNominations, e.Phase)
	_, err = b.svc.UpdateEdition(b.coordinator, e.ID, ambassador.UpdateInput{Call: call()})
	requireCode(t, err, apperr.PhaseClosed, "ambassador.edition_published")
	_, err = b.svc.PublishEdition(b.coordinator, e.ID)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.edition_published")
	_, err = b.svc.Edition(b.as(resident), e.ID)
	require.NoError(t, err)

	// Bad input refused, nothing written.
	bad := b.schedule()
	bad.CheckClose = bad.NominationsClose
	_, err = b.svc.CreateEdition(b.coordinator, ambassador.CreateInput{Year: 2027, Schedule: bad})
	requireCode(t, err, apperr.InvalidInput, "ambassador.schedule_invalid")
	_, err = b.svc.CreateEdition(b.coordinator, ambassador.CreateInput{Year: 2026, Schedule: b.schedule()})
	requireCode(t, err, apperr.Conflict, "ambassador.year_taken")
	p, err = b.svc.Editions(b.coordinator, 0, "")
	require.NoError(t, err)
	require.Equal(t, 2, p.Total)
}

func TestNomination_NeverOneself(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me, myEmail := b.account(t, "nominator", "pl")
	ngo := b.organisation(t, "ngo")
	b.orgMember(t, ngo, me)

	_, err := b.svc.Nominate(b.as(me), b.person("Me", "  "+myEmail+" "))
	requireCode(t, err, apperr.InvalidInput, "ambassador.self_nomination")
	org := ambassador.NominationInput{EditionID: b.edition.ID, CategoryID: b.orgCat,
		Nominee: ambassador.NomineeInput{Name: "Our NGO", Email: "office@ngo.test", OrganisationID: &ngo}}
	_, err = b.svc.Nominate(b.as(me), org)
	requireCode(t, err, apperr.InvalidInput, "ambassador.self_nomination")
	// Staff entering a paper form whose nominator's contact is the nominee's.
	_, err = b.svc.EnterNomination(b.coordinator, ambassador.EntryInput{NominationInput: b.person("Anna", "anna@x.test"),
		Channel: ambassador.ChannelPost, ReceivedAt: b.start, NominatorName: "Anna", NominatorContact: "Anna@X.test"})
	requireCode(t, err, apperr.InvalidInput, "ambassador.self_nomination")

	other := b.organisation(t, "ngo")
	org.Nominee.OrganisationID = &other
	n, err := b.svc.Nominate(b.as(me), org)
	require.NoError(t, err)
	// Editing it into oneself is refused too.
	self := ambassador.NomineeInput{Name: "Me", Email: myEmail}
	ind := b.indCat
	_, err = b.svc.EditNomination(b.as(me), n.ID, ambassador.EditInput{CategoryID: &ind, Nominee: &self})
	requireCode(t, err, apperr.InvalidInput, "ambassador.self_nomination")
	var count int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from ambassador_nominations`).Scan(&count))
	require.Equal(t, 1, count)
}

func TestNomination_DeadlinesAndOwnership(t *testing.T) {
	t.Parallel()
	b := setup(t)
	me, _ := b.account(t, "nominator", "pl")
	other, _ := b.account(t, "other", "pl")
	n, err := b.svc.Nominate(b.as(me), b.person("Jan Kowalski", "jan@x.test"))
	require.NoError(t, err)
	require.Equal(t, ambassador.NominationSubmitted, n.Status)
	require.Equal(t, ambassador.ChannelOnline, n.Channel)

	// Another account sees nothing of it, in a list or by id.
	_, err = b.svc.Nomination(b.as(other), n.ID)
	requireCode(t, err, apperr.NotFound, "")
	_, err = b.svc.EditNomination(b.as(other), n.ID, ambassador.EditInput{Links: []string{}})
	requireCode(t, err, apperr.NotFound, "")
	p, err := b.svc.Nominations(b.as(other), b.edition.ID, ambassador.NominationFilter{}, 20, "")
	require.NoError(t, err)
	require.Equal(t, 0, p.Total)
	p, err = b.svc.Nominations(b.as(me), b.edition.ID, ambassador.NominationFilter{}, 20, "")
	require.NoError(t, err)
	require.Equal(t, 1, p.Total)

	_, err = b.svc.EditNomination(b.as(me), n.ID, ambassador.EditInput{Links: []string{"https://example.org/new"}})
	require.NoError(t, err)

	// At the deadline, to the second: nothing more online.
	b.clock.Set(b.edition.Schedule.NominationsClose)
	_, err = b.svc.Nominate(b.as(other), b.person("Ewa", "ewa@x.test"))
	requireCode(t, err, apperr.PhaseClosed, "ambassador.nominations_closed")
	_, err = b.svc.EditNomination(b.as(me), n.ID, ambassador.EditInput{Links: []string{}})
	requireCode(t, err, apperr.PhaseClosed, "ambassador.nominations_closed")
	_, err = b.svc.WithdrawNomination(b.as(me), n.ID)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.nominations_closed")

	b.clock.Set(b.edition.Schedule.NominationsClose.Add(-time.Second))
	n, err = b.svc.WithdrawNomination(b.as(me), n.ID)
	require.NoError(t, err)
	require.Equal(t, ambassador.NominationWithdrawn, n.Status)
}

func TestEnterNomination_PostmarkRule(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sc := b.edition.Schedule
	entry := func(received time.Time) ambassador.EntryInput {
		in := b.person("Olena", "")
		return ambassador.EntryInput{NominationInput: in, Channel: ambassador.ChannelPost, ReceivedAt: received,
			ScanRef: "scan://2025/17", NominatorName: "Maria Nowak", NominatorContact: "ul. Długa 1, Kraków"}
	}
	// Entered during the check with a postmark inside the nomination phase: it counts.
	b.clock.Set(sc.NominationsClose.Add(2 * day))
	n, err := b.svc.EnterNomination(b.coordinator, entry(sc.NominationsClose.Add(-time.Minute)))
	require.NoError(t, err)
	require.Equal(t, ambassador.ChannelPost, n.Channel)
	require.Equal(t, sc.NominationsClose.Add(-time.Minute), n.ReceivedAt.UTC().Truncate(0).In(sc.NominationsClose.Location()))
	require.NotNil(t, n.EnteredBy)
	require.Equal(t, b.coordID, *n.EnteredBy)
	require.Equal(t, "scan://2025/17", n.ScanRef)
	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'ambassador.nomination_create'
		and object_id = $1 and actor_id = $2 and data->>'channel' = 'post'`, n.ID.String(), b.coordID).Scan(&audited))
	require.Equal(t, 1, audited)

	// A postmark at or after the deadline, or before the opening, does not.
	_, err = b.svc.EnterNomination(b.coordinator, entry(sc.NominationsClose))
	requireCode(t, err, apperr.PhaseClosed, "ambassador.received_outside_nominations")
	_, err = b.svc.EnterNomination(b.coordinator, entry(sc.NominationsOpen.Add(-time.Second)))
	requireCode(t, err, apperr.PhaseClosed, "ambassador.received_outside_nominations")
	_, err = b.svc.EnterNomination(b.coordinator, entry(b.clock.Now().Add(time.Hour)))
	requireCode(t, err, apperr.InvalidInput, "ambassador.received_future")
	bad := entry(sc.NominationsOpen)
	bad.Channel = ambassador.ChannelOnline
	_, err = b.svc.EnterNomination(b.coordinator, bad)
	requireCode(t, err, apperr.InvalidInput, "ambassador.channel_invalid")
	// After the check has ended, nothing is entered any more.
	b.clock.Set(sc.CheckClose)
	_, err = b.svc.EnterNomination(b.coordinator, entry(sc.NominationsOpen))
	requireCode(t, err, apperr.PhaseClosed, "ambassador.entry_closed")
}

func TestConsent_LinkOnceGuardianPaperAndCheck(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nominator, _ := b.account(t, "nominator", "uk")
	anon := b.as(uuid.Nil)

	adult, err := b.svc.Nominate(b.as(nominator), b.person("Jan", "jan@x.test"))
	require.NoError(t, err)
	require.Equal(t, 1, b.notices(t, ambassador.NoticeConsentRequest, uuid.Nil, "jan@x.test"))
	minorIn := b.person("Kid", "")
	minorIn.Nominee.Minor, minorIn.Nominee.GuardianName, minorIn.Nominee.GuardianEmail = true, "Parent", "parent@x.test"
	minor, err := b.svc.Nominate(b.as(nominator), minorIn)
	require.NoError(t, err)
	require.Equal(t, 1, b.notices(t, ambassador.NoticeConsentRequest, uuid.Nil, "parent@x.test"))
	noGuardian := b.person("Kid2", "")
	noGuardian.Nominee.Minor = true
	_, err = b.svc.Nominate(b.as(nominator), noGuardian)
	requireCode(t, err, apperr.InvalidInput, "ambassador.guardian_required")
	missing, err := b.svc.Nominate(b.as(nominator), b.person("Silent", "silent@x.test"))
	require.NoError(t, err)
	paperIn := ambassador.EntryInput{NominationInput: b.person("Paper", ""), Channel: ambassador.ChannelPaper,
		ReceivedAt: b.start, NominatorName: "Maria"}
	paper, err := b.svc.EnterNomination(b.coordinator, paperIn)
	require.NoError(t, err)

	// The link works once; a second use and a made-up token say the same.
	tok := b.consentToken(t, adult.ID)
	n, err := b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: tok})
	require.NoError(t, err)
	require.Equal(t, "nominee", n.ConsentBy)
	require.Equal(t, "link", n.ConsentChannel)
	_, err = b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: tok})
	requireCode(t, err, apperr.NotFound, "ambassador.consent_link_invalid")
	_, err = b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: "made-up"})
	requireCode(t, err, apperr.NotFound, "ambassador.consent_link_invalid")
	n, err = b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: b.consentToken(t, minor.ID)})
	require.NoError(t, err)
	require.Equal(t, "guardian", n.ConsentBy)
	// A signed consent on paper, recorded by staff with its scan.
	n, err = b.svc.RecordConsent(b.coordinator, paper.ID, "scan://consent/1")
	require.NoError(t, err)
	require.Equal(t, []string{"nominee", "paper", "scan://consent/1"}, []string{n.ConsentBy, n.ConsentChannel, n.ConsentScanRef})
	_, err = b.svc.RecordConsent(b.coordinator, paper.ID, "scan://consent/2")
	requireCode(t, err, apperr.Conflict, "ambassador.consent_given")

	// The check only in its phase: not while nominations are open, nor at
	// their deadline before the scheduled move has been made.
	_, err = b.svc.CheckNomination(b.coordinator, adult.ID, ambassador.CheckInput{Eligible: true})
	requireCode(t, err, apperr.PhaseClosed, "ambassador.check_closed")
	b.clock.Set(b.edition.Schedule.NominationsClose)
	_, err = b.svc.CheckNomination(b.coordinator, adult.ID, ambassador.CheckInput{Eligible: true})
	requireCode(t, err, apperr.PhaseClosed, "ambassador.check_closed")
	b.runMove(t, ambassador.PhaseFormalCheck)
	require.Equal(t, ambassador.PhaseFormalCheck, b.edition.Phase)
	n, err = b.svc.CheckNomination(b.coordinator, adult.ID, ambassador.CheckInput{Eligible: true})
	require.NoError(t, err)
	require.Equal(t, ambassador.NominationEligible, n.Status)
	// Without consent: never eligible; not eligible with a reason.
	_, err = b.svc.CheckNomination(b.coordinator, missing.ID, ambassador.CheckInput{Eligible: true})
	requireCode(t, err, apperr.Conflict, "ambassador.consent_missing")
	_, err = b.svc.CheckNomination(b.coordinator, missing.ID, ambassador.CheckInput{Reason: "bogus"})
	requireCode(t, err, apperr.InvalidInput, "ambassador.reason_invalid")
	_, err = b.svc.CheckNomination(b.coordinator, missing.ID, ambassador.CheckInput{Reason: ambassador.ReasonOther})
	requireCode(t, err, apperr.InvalidInput, "ambassador.note_invalid")
	n, err = b.svc.CheckNomination(b.coordinator, missing.ID, ambassador.CheckInput{Reason: ambassador.ReasonNoConsent, Note: "no reply"})
	require.NoError(t, err)
	require.Equal(t, []string{"not_eligible", "no_consent", "no reply"}, []string{string(n.Status), n.CheckReason, n.CheckNote})
	// The nominator is told each outcome, in their language (their account's: uk).
	require.Equal(t, 2, b.notices(t, ambassador.NoticeNominationChecked, nominator, ""))
	var locale, reason string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select a.locale, j.args->'data'->>'reason' from river_job j join accounts a
		on a.id = (j.args->>'account_id')::uuid where j.args->>'kind' = $1 order by j.id desc limit 1`,
		ambassador.NoticeNominationChecked).Scan(&locale, &reason))
	require.Equal(t, []string{"uk", "no_consent"}, []string{locale, reason})

	// After the check deadline, the consent link has expired.
	late, err := b.svc.Nominate(b.as(nominator), b.person("Late", "late@x.test"))
	requireCode(t, err, apperr.PhaseClosed, "ambassador.nominations_closed")
	require.Nil(t, late)
	b.clock.Set(b.edition.Schedule.CheckClose)
	_, err = b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: b.consentToken(t, missing.ID)})
	requireCode(t, err, apperr.NotFound, "ambassador.consent_link_invalid")
	_, err = b.svc.RecordConsent(b.coordinator, missing.ID, "scan://late")
	requireCode(t, err, apperr.PhaseClosed, "ambassador.consent_closed")
	_, err = b.svc.CheckNomination(b.coordinator, missing.ID, ambassador.CheckInput{Reason: ambassador.ReasonNoConsent})
	requireCode(t, err, apperr.PhaseClosed, "ambassador.check_closed")
}

func TestJury_InvitationMakesAJurorOfThatEditionOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	draft, err := b.svc.CreateEdition(b.coordinator, ambassador.CreateInput{Year: 2030, Schedule: b.schedule()})
	require.NoError(t, err)
	other := b.publishedEdition(t, 2031)

	inv, err := b.svc.InviteJuror(b.coordinator, draft.ID, "juror@x.test")
	require.NoError(t, err)
	require.Equal(t, ambassador.Domain(draft.ID), inv.Domain)
	var hash []byte
	_ = hash
	// Accept through identity, as the e-mail's link does.
	var link string
	require.NoError(t, b.pool.QueryRow(b.ctx, `select data->>'secret_link' from notification_secrets where dedupe_key = $1`,
		"invitation:"+inv.ID.String()).Scan(&link))
	token := link[len(link)-43:]
	acc, _, err := b.ids.AcceptInvitation(b.ctx, identity.AcceptInvitationInput{Token: token, Password: "a long enough password",
		DisplayName: "Juror", Locale: i18n.PL}, identity.ClientMeta{})
	require.NoError(t, err)
	juror := b.as(acc.ID)

	// The juror sees their draft edition, not another's nominations.
	_, err = b.svc.Edition(juror, draft.ID)
	require.NoError(t, err)
	jurors, err := b.svc.Jurors(juror, draft.ID)
	require.NoError(t, err)
	require.Equal(t, []ambassador.Juror{{AccountID: acc.ID, DisplayName: "Juror"}}, jurors)
	_, err = b.svc.Jurors(juror, other.ID)
	requireCode(t, err, apperr.NotFound, "")
	resident, _ := b.account(t, "resident", "pl")
	_, err = b.svc.Jurors(b.as(resident), other.ID)
	requireCode(t, err, apperr.NotFound, "")

	stranger, _ := b.account(t, "stranger", "pl")
	_, err = b.svc.SetJuryChair(b.coordinator, draft.ID, stranger)
	requireCode(t, err, apperr.InvalidInput, "ambassador.not_juror")
	e, err := b.svc.SetJuryChair(b.coordinator, draft.ID, acc.ID)
	require.NoError(t, err)
	require.Equal(t, acc.ID, *e.JuryChairID)
	_, err = b.svc.SetJuryChair(juror, draft.ID, acc.ID)
	requireCode(t, err, apperr.Forbidden, "")

	e, err = b.svc.RemoveJuror(b.coordinator, draft.ID, acc.ID)
	require.NoError(t, err)
	require.Nil(t, e.JuryChairID)
	_, err = b.svc.Edition(juror, draft.ID)
	requireCode(t, err, apperr.NotFound, "")
	_ = authz.RoleJuror
}

func TestConsent_ResendRevokesTheOldLink(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nominator, _ := b.account(t, "nominator", "en")
	anon := b.as(uuid.Nil)
	n, err := b.svc.Nominate(b.as(nominator), b.person("Jan", "jan@x.test"))
	require.NoError(t, err)
	old := b.consentToken(t, n.ID)

	_, err = b.svc.ResendConsentLink(b.as(nominator), n.ID)
	require.ErrorIs(t, err, apperr.ErrForbidden)
	_, err = b.svc.ResendConsentLink(b.coordinator, n.ID)
	require.NoError(t, err)
	require.Equal(t, 2, b.notices(t, ambassador.NoticeConsentRequest, uuid.Nil, "jan@x.test"))
	fresh := b.consentToken(t, n.ID)
	require.NotEqual(t, old, fresh)
	_, err = b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: old})
	requireCode(t, err, apperr.NotFound, "ambassador.consent_link_invalid")
	_, err = b.svc.GiveConsent(anon, ambassador.ConsentInput{Token: fresh})
	require.NoError(t, err)
	_, err = b.svc.ResendConsentLink(b.coordinator, n.ID)
	requireCode(t, err, apperr.Conflict, "ambassador.consent_given")
	var audited int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from audit_log where action = 'ambassador.consent_resend'
		and object_id = $1 and actor_id = $2`, n.ID.String(), b.coordID).Scan(&audited))
	require.Equal(t, 1, audited)

	// Without an address there is nothing to send; after the check, nothing more.
	paper, err := b.svc.EnterNomination(b.coordinator, ambassador.EntryInput{NominationInput: b.person("Paper", ""),
		Channel: ambassador.ChannelPaper, ReceivedAt: b.start, NominatorName: "Maria"})
	require.NoError(t, err)
	_, err = b.svc.ResendConsentLink(b.coordinator, paper.ID)
	requireCode(t, err, apperr.Conflict, "ambassador.consent_no_address")
	b.clock.Set(b.edition.Schedule.CheckClose)
	_, err = b.svc.ResendConsentLink(b.coordinator, paper.ID)
	requireCode(t, err, apperr.PhaseClosed, "ambassador.consent_closed")
}
