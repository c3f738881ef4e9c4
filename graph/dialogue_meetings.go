package graph

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
)

func bodyMeetingOut(m *dialogue.Meeting) *model.BodyMeeting {
	return &model.BodyMeeting{ID: gid.Encode("BodyMeeting", m.ID), M: m}
}

func agendaItemOut(i *dialogue.AgendaItem) *model.BodyAgendaItem {
	return &model.BodyAgendaItem{ID: gid.Encode("BodyAgendaItem", i.ID), I: i, Position: i.Position}
}

func bodyMeetingIn(in *model.BodyMeetingInput) dialogue.MeetingInput {
	out := dialogue.MeetingInput{Title: localizedIn(in.Title), StartsAt: in.StartsAt, EndsAt: in.EndsAt,
		Place: deref(in.Place), OnlineURL: deref(in.OnlineURL), Capacity: in.Capacity}
	if in.Description != nil {
		out.Description = localizedIn(in.Description)
	}
	for _, l := range in.Languages {
		out.Languages = append(out.Languages, string(l))
	}
	return out
}

func agendaItemIn(in *model.AgendaItemInput) dialogue.AgendaItemInput {
	out := dialogue.AgendaItemInput{Title: localizedIn(in.Title), DocumentURL: deref(in.DocumentURL)}
	if in.Description != nil {
		out.Description = localizedIn(in.Description)
	}
	if in.Document != nil {
		out.Document = localizedIn(in.Document)
	}
	return out
}

// onBodyMeeting runs act on the meeting of an input (signed-in callers
// only, before anything else) and returns the meeting after it.
func (r *Resolver) onBodyMeeting(ctx context.Context, meetingID string, act func(uuid.UUID) error) (*model.BodyMeeting, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	id, err := gid.Expect(meetingID, "BodyMeeting", "meetingId")
	if err != nil {
		return nil, err
	}
	if err := act(id); err != nil {
		return nil, err
	}
	m, err := r.Dialogue.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	return bodyMeetingOut(m), nil
}

// onAgendaItem runs act on the agenda item of an input (signed-in callers
// only) and returns the item after it and its meeting.
func (r *Resolver) onAgendaItem(ctx context.Context, itemID string, act func(uuid.UUID) (*dialogue.AgendaItem, error)) (*model.BodyAgendaItem, *model.BodyMeeting, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, nil, err
	}
	id, err := gid.Expect(itemID, "BodyAgendaItem", "itemId")
	if err != nil {
		return nil, nil, err
	}
	i, err := act(id)
	if err != nil {
		return nil, nil, err
	}
	if i == nil {
		if i, err = r.Dialogue.AgendaItem(ctx, id); err != nil {
			return nil, nil, err
		}
	}
	m, err := r.Dialogue.Meeting(ctx, i.MeetingID)
	if err != nil {
		return nil, nil, err
	}
	return agendaItemOut(i), bodyMeetingOut(m), nil
}

// bodyMeeting is meeting key if the caller may see it, nil otherwise.
func (r *Resolver) bodyMeeting(ctx context.Context, key uuid.UUID) (*model.BodyMeeting, error) {
	v, err := r.Dialogue.Meeting(ctx, key)
	return visibleOr(v, err, bodyMeetingOut)
}

// bodyAgendaItem is agenda item key if the caller may see it, nil otherwise.
func (r *Resolver) bodyAgendaItem(ctx context.Context, key uuid.UUID) (*model.BodyAgendaItem, error) {
	v, err := r.Dialogue.AgendaItem(ctx, key)
	return visibleOr(v, err, agendaItemOut)
}

func speakersOut(list []*dialogue.Speaker) []model.BodySpeaker {
	out := make([]model.BodySpeaker, 0, len(list))
	for _, s := range list {
		out = append(out, model.BodySpeaker{AccountID: gid.Encode("Account", s.AccountID), DisplayName: optString(s.DisplayName),
			Position: s.Position, Status: model.BodySpeakerStatus(strings.ToUpper(s.Status)), RequestedAt: s.RequestedAt})
	}
	return out
}

func attendanceMode(m string) model.AttendanceMode { return model.AttendanceMode(strings.ToUpper(m)) }

func attendanceModeIn(m model.AttendanceMode) string {
	if m == model.AttendanceModeRemote {
		return gathering.Remote
	}
	return gathering.InPerson
}

func languagesOut(ls []string) []i18n.Locale {
	out := make([]i18n.Locale, 0, len(ls))
	for _, l := range ls {
		out = append(out, i18n.Locale(l))
	}
	return out
}

// voteTallyOut is a meeting vote's numbers on an event (nil for none): a
// secret vote's totals are not there until it closes.
func voteTallyOut(t *dialogue.VoteTally) *model.BodyMeetingVoteTally {
	if t == nil {
		return nil
	}
	out := &model.BodyMeetingVoteTally{Secret: t.Secret, Closed: t.Closed, Voters: t.Voters}
	if t.Yes != nil && t.No != nil && t.Abstain != nil {
		out.Totals = &model.VoteTotals{Yes: *t.Yes, No: *t.No, Abstain: *t.Abstain}
	}
	if t.Outcome != "" {
		o := motionStatusOut(t.Outcome)
		out.Outcome = &o
	}
	return out
}

// bodyMeetingFanout converts each meeting's events once for every
// subscriber.
func (r *Resolver) bodyMeetingFanout(reg *live.Registry) *live.Fanout[uuid.UUID, *model.BodyMeetingEvent] {
	return live.NewFanout(reg, func(id uuid.UUID, feed *live.Feed[*model.BodyMeetingEvent]) (func(), error) {
		if r.Live == nil {
			return func() {}, nil
		}
		return r.Live.Handle(dialogue.MeetingTopic(id), func(ev live.Event) {
			var e dialogue.MeetingEvent
			if json.Unmarshal(ev.Data, &e) != nil {
				return
			}
			m := &model.BodyMeetingEvent{MeetingID: gid.Encode("BodyMeeting", id), Type: e.Type}
			if e.ItemID != uuid.Nil {
				item := gid.Encode("BodyAgendaItem", e.ItemID)
				m.ItemID = &item
			}
			if e.Quorum != nil {
				present := e.Present
				m.PresentCount = &present
				m.Quorum = &model.BodyQuorum{Present: e.Quorum.Present, Members: e.Quorum.Members,
					Required: e.Quorum.Required, Reached: e.Quorum.Reached}
			}
			if e.MotionID != uuid.Nil {
				motion := gid.Encode("Motion", e.MotionID)
				m.MotionID = &motion
			}
			m.Vote = voteTallyOut(e.Vote)
			feed.Publish(func(live.View) (*model.BodyMeetingEvent, bool) { return m, true }, false)
		}), nil
	})
}

// bodyMeetingActivity streams a meeting's events to whoever sees it: decided
// now and again when grants change, by the meeting's read rule.
func (r *Resolver) bodyMeetingActivity(ctx context.Context, meetingID string) (<-chan *model.BodyMeetingEvent, error) {
	id, err := gid.Expect(meetingID, "BodyMeeting", "meetingId")
	if err != nil {
		return nil, err
	}
	return r.watchBodyMeeting(ctx, id, endWith(ctx))
}

// WatchBodyMeeting streams a body meeting's activity (attendance, quorum,
// speakers, votes) to a caller other than a GraphQL subscription (the web
// pages): the same fan-out and decision as bodyMeetingActivity.
func (r *Resolver) WatchBodyMeeting(ctx context.Context, id uuid.UUID) (<-chan *model.BodyMeetingEvent, error) {
	return r.watchBodyMeeting(ctx, id, nil)
}

func (r *Resolver) watchBodyMeeting(ctx context.Context, id uuid.UUID, onEnd func(bool)) (<-chan *model.BodyMeetingEvent, error) {
	meetingID := gid.Encode("BodyMeeting", id)
	m, err := r.Dialogue.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	visible := r.Dialogue.MeetingVisibility(m)
	st, err := r.live.meetings.Subscribe(ctx, id, live.StreamOptions[*model.BodyMeetingEvent]{
		Field:  "bodyMeetingActivity",
		Decide: func() live.View { return visibleIf(visible(ctx)) },
		OnEnd:  onEnd,
		Resync: func(live.View) (*model.BodyMeetingEvent, bool) {
			return &model.BodyMeetingEvent{MeetingID: meetingID, Type: "resync"}, true
		},
	})
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, apperr.ErrNotFound
	}
	return st.C(), nil
}
