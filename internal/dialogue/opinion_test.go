package dialogue_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/poll"
)

// consultation stores a consultation of the unit in status, closing in
// 30 days, and lets motions link to it.
func (mb *motionBundle) consultation(t *testing.T, status string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, db.InTx(mb.ctx, mb.pool, func(tx *db.Tx) error {
		title, err := i18n.CreateText(mb.ctx, tx, i18n.PL, "Program Otwarty Kraków", uuid.Nil, nil)
		if err != nil {
			return err
		}
		now := mb.clock.Now()
		return tx.QueryRow(mb.ctx, `insert into consultations (unit_id, status, title_text_id, opens_at, closes_at)
			values ($1, $2, $3, $4, $5) returning id`, mb.unitID, status, title, now.Add(-time.Hour), now.AddDate(0, 0, 30)).Scan(&id)
	}))
	mb.motions.Consultation = func(context.Context, uuid.UUID) error { return nil }
	return id
}

func (mb *motionBundle) tableOpinion(t *testing.T, cid uuid.UUID, parent *uuid.UUID, title string) *dialogue.Motion {
	t.Helper()
	in := dialogue.TableInput{BodyID: mb.body.ID, ParentID: parent, Kind: dialogue.MotionOpinion,
		Title: i18n.Input{Locale: i18n.PL, Text: title}, Text: i18n.Input{Locale: i18n.PL, Text: title + ": treść"}}
	if parent == nil {
		in.ConsultationID = &cid
	}
	m, err := mb.motions.Table(mb.aliceCtx, in)
	require.NoError(t, err)
	return m
}

// adopt votes motion id yes by three of the five votes and closes it.
func (mb *motionBundle) adopt(t *testing.T, id uuid.UUID) {
	t.Helper()
	mb.open(t, id, time.Hour)
	for _, ctx := range []context.Context{mb.chairCtx, mb.aliceCtx, mb.erinCtx} {
		mb.cast(t, ctx, id, nil, poll.Yes)
	}
	m, _ := mb.close(t, id)
	require.Equal(t, dialogue.MotionAdopted, m.Status)
}

// TestOpinion_TheVotesDeadlineJobAnswersTheRequest: the opinion's written
// vote closed by its deadline's job (on the workers' services) answers the
// request and records the totals; a further opinion supplements it; an
// adopted amendment, an invalid vote and an opinion on a closed
// consultation record nothing; a dissolved body's open request lapses.
func TestOpinion_TheVotesDeadlineJobAnswersTheRequest(t *testing.T) {
	t.Parallel()
	mb := setupMotions(t, dialogue.RulesPatch{})
	cid := mb.consultation(t, "open")
	due := mb.clock.Now().AddDate(0, 0, 10)

	_, err := mb.svc.RequestOpinion(mb.chairCtx, dialogue.OpinionRequestInput{ConsultationID: cid, BodyID: mb.body.ID})
	require.ErrorIs(t, err, apperr.ErrForbidden, "the chair does not run the consultation")
	req, err := mb.svc.RequestOpinion(mb.official, dialogue.OpinionRequestInput{ConsultationID: cid, BodyID: mb.body.ID, DueAt: &due})
	require.NoError(t, err)
	require.Equal(t, dialogue.RequestOpen, req.Status)

	motion := mb.tableOpinion(t, cid, nil, "Opinia o programie")
	mb.open(t, motion.ID, 1500*time.Millisecond)
	for _, ctx := range []context.Context{mb.chairCtx, mb.aliceCtx, mb.erinCtx} {
		mb.cast(t, ctx, motion.ID, nil, poll.Yes)
	}
	mb.cast(t, mb.daveCtx, motion.ID, ptrKey(poll.Org(mb.orgA)), poll.No)
	require.Eventually(t, func() bool {
		r, err := mb.svc.OpinionRequest(mb.official, req.ID)
		require.NoError(t, err)
		return r.Status == dialogue.RequestAnswered
	}, 20*time.Second, 50*time.Millisecond)
	req, err = mb.svc.OpinionRequest(mb.anonymous(), req.ID)
	require.NoError(t, err)
	require.Equal(t, &motion.ID, req.AnsweredBy)
	require.False(t, req.Late())

	ops, err := mb.svc.ReportOpinions(mb.ctx, mb.pool, cid)
	require.NoError(t, err)
	require.Len(t, ops, 1)
	o := ops[0]
	require.Equal(t, motion.ID, o.MotionID)
	require.Equal(t, motion.TextID, o.TextID)
	require.Equal(t, &req.ID, o.RequestID)
	require.True(t, o.Requested)
	require.Equal(t, [6]int{5, 4, 4, 3, 1, 0}, [6]int{o.Members, o.Present, o.Voters, o.Yes, o.No, o.Abstain})

	// The official is told, in their language.
	var official uuid.UUID
	require.NoError(t, mb.pool.QueryRow(mb.ctx, `select account_id from role_grants where role = 'official' and domain = $1`,
		"org:"+mb.unitID.String()).Scan(&official))
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, mb.pool.QueryRow(mb.ctx, `select count(*) from notifications where account_id = $1 and kind = $2
			and data->>'consultation' = 'Program Otwarty Kraków' and data->>'opinion' = 'Opinia o programie'`,
			official, dialogue.NoticeOpinionGiven).Scan(&n))
		return n == 1
	}, 10*time.Second, 50*time.Millisecond)

	// An amendment adopted records nothing; its motion, adopted with the
	// amended text, supplements the answered request.
	second := mb.tableOpinion(t, cid, nil, "Uzupełnienie opinii")
	amendment := mb.tableOpinion(t, cid, &second.ID, "Poprawka")
	mb.adopt(t, amendment.ID)
	ops, err = mb.svc.ReportOpinions(mb.ctx, mb.pool, cid)
	require.NoError(t, err)
	require.Len(t, ops, 1)
	mb.adopt(t, second.ID)
	ops, err = mb.svc.ReportOpinions(mb.ctx, mb.pool, cid)
	require.NoError(t, err)
	require.Len(t, ops, 2)
	// The test's clock stands still: both carry the same date, so find it.
	supplement := ops[0]
	if supplement.MotionID != second.ID {
		supplement = ops[1]
	}
	require.Equal(t, second.ID, supplement.MotionID)
	require.Equal(t, amendment.TextID, supplement.TextID, "the text in force")
	require.Equal(t, &req.ID, supplement.RequestID, "it supplements the answered request")

	// Without quorum nothing is given.
	invalid := mb.tableOpinion(t, cid, nil, "Bez kworum")
	mb.open(t, invalid.ID, time.Hour)
	mb.cast(t, mb.aliceCtx, invalid.ID, nil, poll.Yes)
	m, _ := mb.close(t, invalid.ID)
	require.Equal(t, dialogue.MotionInvalid, m.Status)

	// A closed consultation takes none.
	closed := mb.consultation(t, "closed")
	late := mb.tableOpinion(t, closed, nil, "Po zamknięciu")
	mb.adopt(t, late.ID)
	ops, err = mb.svc.ReportOpinions(mb.ctx, mb.pool, closed)
	require.NoError(t, err)
	require.Empty(t, ops)
	_, err = mb.svc.RequestOpinion(mb.official, dialogue.OpinionRequestInput{ConsultationID: closed, BodyID: mb.body.ID})
	require.Equal(t, dialogue.ErrConsultationNotTakingOpinions, err)
	ops, err = mb.svc.ReportOpinions(mb.ctx, mb.pool, cid)
	require.NoError(t, err)
	require.Len(t, ops, 2)

	// Dissolving the body lapses its open request.
	other := mb.consultation(t, "announced")
	req, err = mb.svc.RequestOpinion(mb.coordinator, dialogue.OpinionRequestInput{ConsultationID: other, BodyID: mb.body.ID,
		Note: i18n.Input{Locale: i18n.UK, Text: "Просимо висновок."}})
	require.NoError(t, err)
	require.NotNil(t, req.NoteTextID)
	_, err = mb.svc.DissolveBody(mb.coordinator, mb.body.ID, "Koniec kadencji zespołu")
	require.NoError(t, err)
	req, err = mb.svc.OpinionRequest(mb.coordinator, req.ID)
	require.NoError(t, err)
	require.Equal(t, dialogue.RequestLapsed, req.Status)
	_, err = mb.svc.WithdrawOpinionRequest(mb.coordinator, req.ID)
	require.Equal(t, dialogue.ErrOpinionRequestClosed, err)
	_, err = mb.svc.RequestOpinion(mb.coordinator, dialogue.OpinionRequestInput{ConsultationID: cid, BodyID: mb.body.ID})
	require.Equal(t, dialogue.ErrDissolved, err)
}
