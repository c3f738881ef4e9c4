package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/poll"
)

// Running a body's meeting in the page: members check in with the code
// shown in the room, ask to speak and vote; the chair (whoever manages the
// meeting) sees the code, gives the floor, puts motions to the vote and
// closes them. The page follows it all live. The service decides each.

func (h *Handler) meetingRunRoutes(m *http.ServeMux) {
	base := PathBodies + "/meetings/{id}/"
	act := func(do func(ctx context.Context, r *http.Request, meeting uuid.UUID) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			id, ok := h.pathID(w, r, "id")
			if !ok {
				return
			}
			err := do(r.Context(), r, id)
			if apperr.CodeOf(err) == apperr.Unauthenticated {
				seeOther(w, r, signInPath(bodyMeetingPath(id)))
				return
			}
			if err != nil {
				f := newForm("code")
				f.Prefix = "run-"
				f.Values["code"] = r.PostFormValue("code")
				h.renderBodyMeeting(w, r, id, f, f.fail(r.Context(), err))
				return
			}
			seeOther(w, r, bodyMeetingPath(id)+r.PostFormValue("anchor"))
		}
	}
	item := func(do func(ctx context.Context, item uuid.UUID) error) http.HandlerFunc {
		return act(func(ctx context.Context, r *http.Request, _ uuid.UUID) error {
			it, err := uuid.Parse(r.PathValue("item"))
			if err != nil {
				return apperr.ErrNotFound
			}
			return do(ctx, it)
		})
	}
	motion := func(do func(ctx context.Context, r *http.Request, meeting, motion uuid.UUID) error) http.HandlerFunc {
		return act(func(ctx context.Context, r *http.Request, meeting uuid.UUID) error {
			mo, err := uuid.Parse(r.PathValue("motion"))
			if err != nil {
				return apperr.ErrNotFound
			}
			return do(ctx, r, meeting, mo)
		})
	}
	s := h.svc.Dialogue
	m.HandleFunc("POST "+base+"checkin", act(func(ctx context.Context, r *http.Request, id uuid.UUID) error {
		_, err := s.CheckIn(ctx, id, strings.TrimSpace(r.PostFormValue("code")))
		return err
	}))
	m.HandleFunc("POST "+base+"code", act(func(ctx context.Context, _ *http.Request, id uuid.UUID) error {
		_, err := s.IssueCheckinCode(ctx, id)
		return err
	}))
	m.HandleFunc("POST "+base+"speak/{item}", item(func(ctx context.Context, it uuid.UUID) error {
		_, err := s.RequestToSpeak(ctx, it)
		return err
	}))
	m.HandleFunc("POST "+base+"unspeak/{item}", item(func(ctx context.Context, it uuid.UUID) error {
		_, err := s.WithdrawFromSpeakers(ctx, it)
		return err
	}))
	m.HandleFunc("POST "+base+"floor/{item}", item(func(ctx context.Context, it uuid.UUID) error {
		_, err := s.GiveFloor(ctx, it, nil)
		return err
	}))
	m.HandleFunc("POST "+base+"finish/{item}", item(func(ctx context.Context, it uuid.UUID) error {
		_, err := s.FinishSpeaker(ctx, it)
		return err
	}))
	m.HandleFunc("POST "+base+"open/{motion}", motion(func(ctx context.Context, r *http.Request, meeting, mo uuid.UUID) error {
		_, err := h.svc.Motions.OpenMeetingVote(ctx, dialogue.MeetingVoteInput{MotionID: mo, MeetingID: meeting, Secret: r.PostFormValue("secret") != ""})
		return err
	}))
	m.HandleFunc("POST "+base+"vote/{motion}", motion(func(ctx context.Context, r *http.Request, _, mo uuid.UUID) error {
		_, err := h.svc.Motions.CastVote(ctx, mo, nil, poll.Choice(r.PostFormValue("choice")))
		return err
	}))
	m.HandleFunc("POST "+base+"close/{motion}", motion(func(ctx context.Context, _ *http.Request, _, mo uuid.UUID) error {
		_, err := h.svc.Motions.CloseVote(ctx, mo)
		return err
	}))
}

// choices are a motion vote's answers in the order they are offered.
var choices = []poll.Choice{poll.Yes, poll.No, poll.Abstain}

func speakerName(ctx context.Context, sp *dialogue.Speaker) string {
	if sp.DisplayName == "" {
		return tr(ctx, "web.submission.author_deleted")
	}
	return sp.DisplayName
}

// checkinForm is the check-in form: the failed one, or an empty one.
func checkinForm(v bodyMeetingView) *form {
	if v.Form != nil {
		return v.Form
	}
	f := newForm("code")
	f.Prefix = "run-"
	return f
}
