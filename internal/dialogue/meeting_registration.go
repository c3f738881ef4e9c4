package dialogue

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/gathering"
)

// Public seats and what only a meeting's staff read. A public body's
// meeting takes registrations of the public (RegisterForMeeting, a
// confirmed account not on the roll; capacity is the public seats, then a
// waiting list in arrival order, whose first person takes a freed seat and
// is told). Registrants are on the roll for check-in only: they never count
// towards the quorum, never vote and never ask to speak. Everyone who sees
// the meeting sees the counts; who registered, who is invited and the
// check-in code are for the meeting's staff (ActManage) alone.

// UnregisterFromMeeting withdraws the caller's public seat or place on the
// waiting list before the meeting starts (seeing it is enough); a freed seat
// goes to the first person waiting, who is told. Without a registration
// nothing changes.
func (s *Service) UnregisterFromMeeting(ctx context.Context, id uuid.UUID) (*Meeting, error) {
	if _, err := s.meetings.Unregister(ctx, id); err != nil {
		return nil, err
	}
	return s.Meeting(ctx, id)
}

// ViewerRegistration is the caller's own registration for m, with its place
// on the waiting list; nil when there is none.
func (s *Service) ViewerRegistration(ctx context.Context, m *Meeting) (*gathering.Registration, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() || m.Viewer == "" {
		return nil, nil
	}
	return s.meetings.RegistrationOf(ctx, m.ID, sub.AccountID)
}

// managesMeeting says whether the caller may manage m (its staff).
func (s *Service) managesMeeting(ctx context.Context, m *Meeting) (bool, error) {
	if authz.SubjectFrom(ctx).Anonymous() {
		return false, nil
	}
	member, err := s.memberNow(ctx, s.pool, m.BodyID)
	if err != nil {
		return false, err
	}
	return authz.Can(ctx, ActManageMeeting, meetingObject(m.body, member, m.ID)), nil
}

// Registrations lists m's public registrations for its staff: seats, then
// the waiting list, each in arrival order, then withdrawn ones; nil for
// everyone else, who see the counts.
func (s *Service) Registrations(ctx context.Context, m *Meeting) ([]*gathering.Registration, error) {
	if ok, err := s.managesMeeting(ctx, m); err != nil || !ok {
		return nil, err
	}
	return s.meetings.Registrations(ctx, m.ID)
}

// MeetingInvitation is one person on a meeting's roll by invitation: through
// the body, or by hand (Guest).
type MeetingInvitation struct {
	gathering.Invitation
	Guest bool
}

// Invitations lists who is invited to m, in the order they were invited,
// for its staff; nil for everyone else, who see the count.
func (s *Service) Invitations(ctx context.Context, m *Meeting) ([]*MeetingInvitation, error) {
	if ok, err := s.managesMeeting(ctx, m); err != nil || !ok {
		return nil, err
	}
	list, err := s.meetings.Invitations(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `select account_id from dialogue_meeting_guests where meeting_id = $1`, m.ID)
	if err != nil {
		return nil, fmt.Errorf("read guests: %w", err)
	}
	guests, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("read guests: %w", err)
	}
	out := make([]*MeetingInvitation, 0, len(list))
	for _, i := range list {
		out = append(out, &MeetingInvitation{Invitation: *i, Guest: slices.Contains(guests, i.AccountID)})
	}
	return out, nil
}

// CheckinCode is m's current check-in code for its staff, who show it in
// the room; nil for everyone else (members, observers and the public
// included) and before one is issued.
func (s *Service) CheckinCode(ctx context.Context, m *Meeting) (*gathering.CheckinCode, error) {
	if ok, err := s.managesMeeting(ctx, m); err != nil || !ok {
		return nil, err
	}
	return s.meetings.CheckinCode(ctx, m.ID)
}
