package consultation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
)

// closingReason is a valid reason for closing by hand.
const closingReason = "Koniec konsultacji zgodnie z planem."

// closeByHand closes c by hand as an official of its unit.
func (b *bundle) closeByHand(t *testing.T, cid uuid.UUID) {
	t.Helper()
	_, err := b.svc.ChangePhase(b.official(t), cid, consultation.StatusClosed, closingReason)
	require.NoError(t, err)
}

// draftAnswer drafts an answer with a Polish reason as ctx.
func (b *bundle) draftAnswer(t *testing.T, ctx context.Context, id uuid.UUID, status, reason string) *consultation.Answer {
	t.Helper()
	a, err := b.svc.DraftAnswer(ctx, id, consultation.AnswerInput{Status: status,
		Reason: i18n.Input{Locale: i18n.PL, Text: reason}})
	require.NoError(t, err)
	return a
}

// answerCycle is a consultation taken through its open phase and closed: a
// resident's visible postulate, another's section comment, a hidden
// postulate, a reply (never answered), a withdrawn postulate and, after the
// close, a staff-entered postulate.
type answerCycle struct {
	c                                    *consultation.Consultation
	official                             context.Context
	authorA, authorB, authorC, replierID uuid.UUID
	withdrawerID                         uuid.UUID
	visible, comment, hidden, reply      *consultation.Submission
	withdrawn, staffEntered              *consultation.Submission
}

// top are the submissions that need an answer, in order of receipt.
func (cy *answerCycle) top() []*consultation.Submission {
	return []*consultation.Submission{cy.visible, cy.comment, cy.hidden, cy.staffEntered}
}

func (b *bundle) answerCycle(t *testing.T) *answerCycle {
	t.Helper()
	cy := &answerCycle{c: b.openConsultation(t), official: b.official(t)}
	var a, bb, c, r, w context.Context
	cy.authorA, a = b.resident(t)
	cy.authorB, bb = b.resident(t)
	cy.authorC, c = b.resident(t)
	cy.replierID, r = b.resident(t)
	cy.withdrawerID, w = b.resident(t)
	var section uuid.UUID
	require.NoError(t, b.pool.QueryRow(b.ctx, `select id from consultation_sections where consultation_id = $1`, cy.c.ID).Scan(&section))

	submit := func(ctx context.Context, in consultation.SubmitInput) *consultation.Submission {
		in.ConsultationID = cy.c.ID
		sub, err := b.svc.Submit(ctx, in)
		require.NoError(t, err)
		b.clock.Advance(time.Minute) // a stable order of receipt
		return sub
	}
	cy.visible = submit(a, consultation.SubmitInput{Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "Tablice informacyjne po ukraińsku."})
	cy.comment = submit(bb, consultation.SubmitInput{Kind: consultation.KindComment, SectionID: &section, Locale: i18n.EN, Text: "Section one needs a timeline."})
	cy.hidden = submit(c, consultation.SubmitInput{Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "Obraźliwa treść, której nikt nie powinien zobaczyć."})
	cy.reply = submit(r, consultation.SubmitInput{ParentID: &cy.visible.ID, Locale: i18n.PL, Text: "Popieram."})
	cy.withdrawn = submit(w, consultation.SubmitInput{Kind: consultation.KindPostulate, Locale: i18n.PL, Text: "Jednak się wycofuję."})
	_, err := b.svc.Withdraw(w, cy.withdrawn.ID)
	require.NoError(t, err)
	_, err = b.svc.Hide(cy.official, cy.hidden.ID, "offensive", "")
	require.NoError(t, err)
	_, err = b.svc.Support(bb, cy.visible.ID)
	require.NoError(t, err)

	b.closeByHand(t, cy.c.ID)
	cy.staffEntered, err = b.svc.EnterOnBehalf(cy.official, consultation.EnterInput{ConsultationID: cy.c.ID,
		Kind: consultation.KindPostulate, AuthorName: "Jan Kowalski", ReceivedAt: cy.c.OpensAt.Add(2 * time.Hour),
		Channel: consultation.ChannelPaper, Locale: i18n.PL, Text: "Pismo: więcej ławek w parku."})
	require.NoError(t, err)
	return cy
}

func TestDraftAnswer_OnlyAfterClose(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	_, resident := b.resident(t)
	sub := b.postulate(t, resident, c.ID)
	official := b.official(t)
	in := consultation.AnswerInput{Status: consultation.AnswerAccepted, Reason: i18n.Input{Locale: i18n.PL, Text: "Tak."}}

	_, err := b.svc.DraftAnswer(official, sub.ID, in)
	requireCode(t, apperr.PhaseClosed, err)
	require.ErrorIs(t, err, consultation.ErrAnswerPhase)
	_, err = b.svc.PublishAnswers(official, c.ID, nil)
	require.ErrorIs(t, err, consultation.ErrAnswerPhase)

	b.closeByHand(t, c.ID)
	_, err = b.svc.DraftAnswer(official, sub.ID, in)
	require.NoError(t, err)

	_, err = b.pool.Exec(b.ctx, `update consultations set status = 'reported' where id = $1`, c.ID)
	require.NoError(t, err)
	_, err = b.svc.DraftAnswer(official, sub.ID, in)
	require.ErrorIs(t, err, consultation.ErrAnswerPhase, "after the report answers are final")
}

func TestDraftAnswer_OnlyStaffOfTheUnitAnswers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	c := b.openConsultation(t)
	authorID, author := b.resident(t)
	sub := b.postulate(t, author, c.ID)
	b.closeByHand(t, c.ID)
	_, other := b.resident(t)
	_, moderator := b.staff(t, authz.RoleModerator, consultation.Domain(c.ID))
	_, elsewhere := b.staff(t, authz.RoleOfficial, "org:"+b.organisation(t, "city_unit").String())
	in := consultation.AnswerInput{Status: consultation.AnswerNotAccepted, Reason: i18n.Input{Locale: i18n.PL, Text: "Nie."}}

	_, err := b.svc.DraftAnswer(b.anonymous(), sub.ID, in)
	require.ErrorIs(t, err, apperr.ErrUnauthenticated)
	for name, ctx := range map[string]context.Context{"author": author, "resident": other, "moderator": moderator, "official elsewhere": elsewhere} {
		_, err := b.svc.DraftAnswer(ctx, sub.ID, in)
		requireCode(t, apperr.Forbidden, err)
		_, err = b.svc.PublishAnswers(ctx, c.ID, nil)
		requireCode(t, apperr.Forbidden, err)
		_, err = b.svc.Unanswered(ctx, c.ID)
		requireCode(t, apperr.Forbidden, err)
		_ = name
	}
	for _, ctx := range []context.Context{b.official(t), b.coordinator(t), func() context.Context {
		_, ctx := b.staff(t, authz.RoleAdmin, authz.GlobalDomain)
		return ctx
	}()} {
		_, err := b.svc.DraftAnswer(ctx, sub.ID, in)
		require.NoError(t, err)
	}
	require.Empty(t, b.deliverJobs(t, consultation.NoticeSubmissionAnswered, authorID), "drafts tell nobody")
}

func TestDraftAnswer_RulesOfWhatIsAnswered(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cy := b.answerCycle(t)
	in := func(status, text string) consultation.AnswerInput {
		return consultation.AnswerInput{Status: status, Reason: i18n.Input{Locale: i18n.PL, Text: text}}
	}
	_, err := b.svc.DraftAnswer(cy.official, cy.reply.ID, in(consultation.AnswerAccepted, "Tak."))
	require.ErrorIs(t, err, consultation.ErrAnswerReply)
	_, err = b.svc.DraftAnswer(cy.official, cy.withdrawn.ID, in(consultation.AnswerAccepted, "Tak."))
	require.ErrorIs(t, err, consultation.ErrAnswerWithdrawn)
	_, err = b.svc.DraftAnswer(cy.official, cy.visible.ID, in("maybe", "Tak."))
	requireCode(t, apperr.InvalidInput, err)
	_, err = b.svc.DraftAnswer(cy.official, cy.visible.ID, in(consultation.AnswerAccepted, "  "))
	requireCode(t, apperr.InvalidInput, err)
	var ae *apperr.Error
	require.True(t, errors.As(err, &ae))
	require.Equal(t, "reason", ae.Field)

	// Hidden and staff-entered submissions are answered like any other.
	b.draftAnswer(t, cy.official, cy.hidden.ID, consultation.AnswerNotApplicable, "Treść naruszała regulamin.")
	b.draftAnswer(t, cy.official, cy.staffEntered.ID, consultation.AnswerPartlyAccepted, "Ławki w części parku.")

	n, err := b.svc.Unanswered(cy.official, cy.c.ID)
	require.NoError(t, err)
	require.Equal(t, 4, n, "drafts do not count as answers; the reply and the withdrawn one need none")

	for _, key := range []string{"answer.not_closed", "answer.published", "answer.withdrawn", "answer.reply",
		"answer.not_drafted", "answer.status_invalid", "answer.status.accepted", "answer.status.partly_accepted",
		"answer.status.not_accepted", "answer.status.not_applicable"} {
		require.True(t, i18n.Has(key), key)
	}
}

func TestDraftAnswer_EditableUntilPublishedThenFinal(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cy := b.answerCycle(t)
	first := b.draftAnswer(t, cy.official, cy.visible.ID, consultation.AnswerNotAccepted, "Brak środków.")
	require.Nil(t, first.PublishedAt)

	// Another official of the unit redrafts it.
	otherID, other := b.officialID(t)
	second, err := b.svc.DraftAnswer(other, cy.visible.ID, consultation.AnswerInput{Status: consultation.AnswerAccepted,
		Reason: i18n.Input{Locale: i18n.UK, Text: "Таблички буде встановлено."}})
	require.NoError(t, err)
	require.Equal(t, consultation.AnswerAccepted, second.Status)
	require.Equal(t, otherID, second.DraftedBy)
	require.NotEqual(t, first.ReasonTextID, second.ReasonTextID)

	// The public does not see drafts; staff do.
	_, err = b.svc.Answer(b.anonymous(), cy.visible.ID)
	require.ErrorIs(t, err, apperr.ErrNotFound)
	got, err := b.svc.Answer(cy.official, cy.visible.ID)
	require.NoError(t, err)
	require.Equal(t, consultation.AnswerAccepted, got.Status)

	published, err := b.svc.PublishAnswers(cy.official, cy.c.ID, []uuid.UUID{cy.visible.ID})
	require.NoError(t, err)
	require.Len(t, published, 1)
	require.NotNil(t, published[0].PublishedAt)

	got, err = b.svc.Answer(b.anonymous(), cy.visible.ID)
	require.NoError(t, err)
	require.Equal(t, second.ReasonTextID, got.ReasonTextID)

	_, err = b.svc.DraftAnswer(cy.official, cy.visible.ID, consultation.AnswerInput{Status: consultation.AnswerNotAccepted,
		Reason: i18n.Input{Locale: i18n.PL, Text: "Jednak nie."}})
	requireCode(t, apperr.Conflict, err)
	require.ErrorIs(t, err, consultation.ErrAnswerPublished)

	// Publishing again is harmless: nothing new, nobody told twice.
	again, err := b.svc.PublishAnswers(cy.official, cy.c.ID, []uuid.UUID{cy.visible.ID})
	require.NoError(t, err)
	require.Empty(t, again)
	_, err = b.svc.PublishAnswers(cy.official, cy.c.ID, nil)
	require.NoError(t, err)
	jobs := b.deliverJobs(t, consultation.NoticeSubmissionAnswered, cy.authorA)
	require.Len(t, jobs, 1)
	require.Equal(t, map[string]string{"consultation_id": cy.c.ID.String(), "submission_id": cy.visible.ID.String(),
		"status": consultation.AnswerAccepted}, jobs[0])
}

func TestPublishAnswers_TogetherAndBatchRead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cy := b.answerCycle(t)
	b.draftAnswer(t, cy.official, cy.visible.ID, consultation.AnswerAccepted, "Tak.")
	b.draftAnswer(t, cy.official, cy.comment.ID, consultation.AnswerPartlyAccepted, "Częściowo.")
	b.draftAnswer(t, cy.official, cy.hidden.ID, consultation.AnswerNotApplicable, "Nie dotyczy.")

	_, err := b.svc.PublishAnswers(cy.official, cy.c.ID, []uuid.UUID{cy.visible.ID, cy.staffEntered.ID})
	require.ErrorIs(t, err, consultation.ErrAnswerNotDrafted, "every id needs a draft, or nothing is published")
	_, err = b.svc.PublishAnswers(cy.official, cy.c.ID, []uuid.UUID{uuid.New()})
	require.ErrorIs(t, err, consultation.ErrAnswerNotDrafted)
	n, err := b.svc.Unanswered(cy.official, cy.c.ID)
	require.NoError(t, err)
	require.Equal(t, 4, n)

	published, err := b.svc.PublishAnswers(cy.official, cy.c.ID, nil)
	require.NoError(t, err)
	require.Len(t, published, 3)
	n, err = b.svc.Unanswered(cy.official, cy.c.ID)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the staff-entered one is left")

	ids := []uuid.UUID{cy.visible.ID, cy.comment.ID, cy.hidden.ID, cy.staffEntered.ID, cy.reply.ID}
	public, err := b.svc.AnswersOf(b.anonymous(), ids)
	require.NoError(t, err)
	require.ElementsMatch(t, []uuid.UUID{cy.visible.ID, cy.comment.ID}, answerIDs(public), "the hidden item's answer is not reachable by the public here")
	own, err := b.svc.AnswersOf(b.as(cy.authorC, true), ids)
	require.NoError(t, err)
	require.Contains(t, own, cy.hidden.ID, "the author sees the answer to their hidden submission")
	staff, err := b.svc.AnswersOf(cy.official, ids)
	require.NoError(t, err)
	require.Len(t, staff, 3)

	// One notice per author with an account; none for the staff-entered one.
	for _, id := range []uuid.UUID{cy.authorA, cy.authorB, cy.authorC} {
		require.Len(t, b.deliverJobs(t, consultation.NoticeSubmissionAnswered, id), 1)
	}
	require.Empty(t, b.deliverJobs(t, consultation.NoticeSubmissionAnswered, cy.replierID))
}

func answerIDs[V any](m map[uuid.UUID]V) []uuid.UUID {
	out := []uuid.UUID{}
	for k := range m {
		out = append(out, k)
	}
	return out
}
