package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/page"
	"github.com/otwarty/otwarty/internal/poll"
)

func motionOut(m *dialogue.Motion) *model.Motion {
	out := &model.Motion{ID: gid.Encode("Motion", m.ID), M: m, Kind: model.MotionKind(strings.ToUpper(string(m.Kind))),
		Status: motionStatusOut(m.Status), TabledAt: m.TabledAt, DecidedAt: m.DecidedAt, WithdrawnAt: m.WithdrawnAt}
	if m.Majority != nil {
		maj := model.BodyMajority(strings.ToUpper(string(*m.Majority)))
		out.Majority = &maj
	}
	if m.ConsultationID != nil {
		id := gid.Encode("Consultation", *m.ConsultationID)
		out.ConsultationID = &id
	}
	return out
}

func motionStatusOut(s dialogue.MotionStatus) model.MotionStatus {
	return model.MotionStatus(strings.ToUpper(string(s)))
}

// voterIn decodes an optional voter key of an input (field "as").
func bodyVoterIn(in *model.BodyVoterInput) (*poll.VoterKey, error) {
	if in == nil {
		return nil, nil
	}
	switch {
	case in.AccountID != nil && in.OrganisationID == nil:
		id, err := gid.Expect(*in.AccountID, "Account", "as")
		if err != nil {
			return nil, err
		}
		k := poll.Person(id)
		return &k, nil
	case in.OrganisationID != nil && in.AccountID == nil:
		id, err := gid.Expect(*in.OrganisationID, "Organisation", "as")
		if err != nil {
			return nil, err
		}
		k := poll.Org(id)
		return &k, nil
	}
	return nil, apperr.Invalid("as", "dialogue.member_who")
}

// openMotionVote opens motion id's vote in the one form input names.
func (r *Resolver) openMotionVote(ctx context.Context, id uuid.UUID, input model.OpenMotionVoteInput) (*dialogue.Motion, error) {
	switch {
	case input.Written != nil && input.Meeting == nil:
		return r.DialogueMotions.OpenWrittenVote(ctx, dialogue.VoteInput{MotionID: id, Deadline: input.Written.Deadline})
	case input.Meeting != nil && input.Written == nil:
		in, err := meetingVoteIn(id, input.Meeting)
		if err != nil {
			return nil, err
		}
		return r.DialogueMotions.OpenMeetingVote(ctx, in)
	}
	return nil, apperr.Invalid("written", "dialogue.vote_form_invalid")
}

// meetingVoteIn decodes the meeting form of openMotionVote.
func meetingVoteIn(motion uuid.UUID, in *model.MeetingVoteInput) (dialogue.MeetingVoteInput, error) {
	out := dialogue.MeetingVoteInput{MotionID: motion, Secret: in.Secret}
	var err error
	if out.MeetingID, err = gid.Expect(in.MeetingID, "BodyMeeting", "meetingId"); err != nil {
		return out, err
	}
	if in.AgendaItemID != nil {
		item, err := gid.Expect(*in.AgendaItemID, "BodyAgendaItem", "agendaItemId")
		if err != nil {
			return out, err
		}
		out.AgendaItemID = &item
	}
	return out, nil
}

// decodeMotion decodes a Motion id of an input.
func decodeMotion(id string) (uuid.UUID, error) { return gid.Expect(id, "Motion", "motionId") }

// motion is the motion with key if the caller may see it, nil otherwise.
func (r *Resolver) motion(ctx context.Context, key uuid.UUID) (*model.Motion, error) {
	v, err := r.DialogueMotions.Motion(ctx, key)
	return visibleOr(v, err, motionOut)
}

// reloadMotion is a mutation's changed motion, as the caller now sees it.
func (r *Resolver) reloadMotion(ctx context.Context, id uuid.UUID) (*model.Motion, error) {
	m, err := r.DialogueMotions.Motion(ctx, id)
	if err != nil {
		return nil, err
	}
	return motionOut(m), nil
}

// motions is a page of a body's motions or a motion's amendments.
func (r *Resolver) motions(ctx context.Context, body uuid.UUID, parent *uuid.UUID, f dialogue.MotionFilter, first *int, after *string) (*model.MotionConnection, error) {
	n, err := r.pageSize(first)
	if err != nil {
		return nil, err
	}
	p, err := r.DialogueMotions.List(ctx, body, parent, f, n, deref(after))
	if err != nil {
		return nil, err
	}
	return motionConnection(p, after), nil
}

func motionConnection(p page.Page[*dialogue.Motion], after *string) *model.MotionConnection {
	edges, info := connect(p, after, (*dialogue.Motion).Cursor, func(c string, m *dialogue.Motion) model.MotionEdge {
		return model.MotionEdge{Cursor: c, Node: motionOut(m)}
	})
	return &model.MotionConnection{TotalCount: p.Total, Edges: edges, PageInfo: info}
}

// bodyPerson is an account as a body shows it (nil for none).
func bodyPerson(ctx context.Context, id *uuid.UUID) (*model.BodyPerson, error) {
	if id == nil {
		return nil, nil
	}
	names, err := loadersFrom(ctx).displayNames(ctx, []uuid.UUID{*id})
	if err != nil {
		return nil, err
	}
	return &model.BodyPerson{AccountID: gid.Encode("Account", *id), DisplayName: names[0]}, nil
}

func electionOut(e *dialogue.Election) *model.Election {
	return &model.Election{ID: gid.Encode("Election", e.ID), E: e, Seats: e.Seats, Picks: e.Picks,
		EndorsementsNeeded: e.EndorsementsNeeded, Status: model.ElectionStatus(strings.ToUpper(string(e.Status))), CreatedAt: e.CreatedAt}
}

func candidateOut(e *dialogue.Election, c dialogue.Candidate) model.ElectionCandidate {
	return model.ElectionCandidate{ID: gid.Encode("ElectionCandidate", c.ID), ConsentedAt: c.ConsentedAt, Endorsements: c.Endorsements,
		OnBallot: e == nil || e.OnBallot(c),
		Person:   &model.BodyPerson{AccountID: gid.Encode("Account", c.AccountID), DisplayName: c.DisplayName}}
}

// decodeElection decodes an Election id of an input.
func decodeElection(id string) (uuid.UUID, error) { return gid.Expect(id, "Election", "electionId") }

// candidatesIn decodes candidate ids of an input field.
func candidatesIn(ids []string, field string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		key, err := gid.Expect(id, "ElectionCandidate", field)
		if err != nil {
			return nil, err
		}
		out = append(out, key)
	}
	return out, nil
}

// election is the election with key if the caller may see it, nil otherwise.
func (r *Resolver) election(ctx context.Context, key uuid.UUID) (*model.Election, error) {
	v, err := r.DialogueElections.Election(ctx, key)
	return visibleOr(v, err, electionOut)
}

// reloadElection is a mutation's changed election.
func (r *Resolver) reloadElection(ctx context.Context, id uuid.UUID) (*model.Election, error) {
	e, err := r.DialogueElections.Election(ctx, id)
	if err != nil {
		return nil, err
	}
	return electionOut(e), nil
}
