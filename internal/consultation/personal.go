package consultation

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/follow"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/support"
)

// PersonalData is the consultations' share of a person's data, for the GDPR
// export and erasure (identity.PersonalData). Submissions and their texts
// are public contributions and stay (shown as by a deleted account); what
// only concerns the person goes: follows, followed districts and topics,
// the links between the person and their supports, flags, meeting
// registrations (seats held in meetings still to come go to the waiting
// list) and survey answers. Support counts and published reports keep
// their numbers.
type PersonalData struct{ s *Service }

// PersonalData returns the service's identity.PersonalData.
func (s *Service) PersonalData() PersonalData { return PersonalData{s: s} }

// Name is the export section.
func (PersonalData) Name() string { return "consultations" }

// PersonalExport is what Export returns.
type PersonalExport struct {
	Submissions   []personalSubmission   `json:"submissions"`
	Follows       []personalFollow       `json:"follows"`
	Interests     Interests              `json:"interests"`
	Supports      []personalSupport      `json:"supports"`
	Flags         []personalFlag         `json:"flags"`
	Registrations []personalRegistration `json:"meetingRegistrations"`
	SurveyAnswers []personalSurvey       `json:"surveyAnswers"`
}

type personalSubmission struct {
	ID             uuid.UUID `json:"id"`
	ConsultationID uuid.UUID `json:"consultationId"`
	Kind           string    `json:"kind"`
	Status         string    `json:"status"`
	CreatedAt      time.Time `json:"createdAt"`
}

type personalFollow struct {
	ConsultationID uuid.UUID `json:"consultationId"`
	Since          time.Time `json:"since"`
}

type personalSupport struct {
	SubmissionID uuid.UUID `json:"submissionId"`
	At           time.Time `json:"at"`
}

type personalFlag struct {
	SubmissionID uuid.UUID `json:"submissionId"`
	Reason       string    `json:"reason"`
	Note         string    `json:"note"`
	At           time.Time `json:"at"`
}

type personalRegistration struct {
	MeetingID uuid.UUID `json:"meetingId"`
	Status    string    `json:"status"`
	Attended  *bool     `json:"attended"`
	At        time.Time `json:"at"`
}

type personalSurvey struct {
	QuestionID uuid.UUID `json:"questionId"`
	Text       string    `json:"text"`
	At         time.Time `json:"at"`
}

// Export reads the person's consultation data, one query per section.
func (PersonalData) Export(ctx context.Context, tx *db.Tx, accountID uuid.UUID) (any, error) {
	var out PersonalExport
	var err error
	sections := []func() error{
		func() error {
			out.Submissions, err = db.CollectAll(ctx, tx, `select id, consultation_id, kind, status, created_at from submissions
				where author_id = $1 order by created_at, id`, []any{accountID}, func(r pgx.CollectableRow) (personalSubmission, error) {
				var s personalSubmission
				return s, r.Scan(&s.ID, &s.ConsultationID, &s.Kind, &s.Status, &s.CreatedAt)
			})
			return err
		},
		func() error {
			follows, err := follow.Of(ctx, tx, follow.Consultation, accountID)
			out.Follows = make([]personalFollow, len(follows))
			for i, f := range follows {
				out.Follows[i] = personalFollow{ConsultationID: f.Object, Since: f.Since}
			}
			return err
		},
		func() error {
			out.Interests = Interests{Districts: []string{}, Tags: []string{}}
			rows, err := tx.Query(ctx, `select kind, value from consultation_interests where account_id = $1 order by kind, value`, accountID)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var kind, value string
				if err := rows.Scan(&kind, &value); err != nil {
					return err
				}
				if kind == "district" {
					out.Interests.Districts = append(out.Interests.Districts, value)
				} else {
					out.Interests.Tags = append(out.Interests.Tags, value)
				}
			}
			return rows.Err()
		},
		func() error {
			supports, err := support.Of(ctx, tx, support.Submission, accountID)
			out.Supports = make([]personalSupport, len(supports))
			for i, s := range supports {
				out.Supports[i] = personalSupport{SubmissionID: s.Object, At: s.At}
			}
			return err
		},
		func() error {
			out.Flags, err = db.CollectAll(ctx, tx, `select submission_id, reason, note, created_at from submission_flags
				where account_id = $1 order by created_at`, []any{accountID}, func(r pgx.CollectableRow) (personalFlag, error) {
				var f personalFlag
				return f, r.Scan(&f.SubmissionID, &f.Reason, &f.Note, &f.At)
			})
			return err
		},
		func() error {
			regs, err := gathering.AccountRegistrations(ctx, tx, GatheringKind, accountID)
			out.Registrations = make([]personalRegistration, 0, len(regs))
			for _, g := range regs {
				out.Registrations = append(out.Registrations, personalRegistration{MeetingID: g.GatheringID, Status: g.Status,
					Attended: g.Attended, At: g.CreatedAt})
			}
			return err
		},
		func() error {
			out.SurveyAnswers, err = db.CollectAll(ctx, tx, `select a.question_id, coalesce((select v.body from text_versions v
					where v.text_id = a.text_id order by v.created_at desc limit 1), ''), a.updated_at
				from survey_answers a where a.account_id = $1 order by a.updated_at`, []any{accountID}, func(r pgx.CollectableRow) (personalSurvey, error) {
				var s personalSurvey
				return s, r.Scan(&s.QuestionID, &s.Text, &s.At)
			})
			return err
		},
	}
	for _, f := range sections {
		if err := f(); err != nil {
			return nil, fmt.Errorf("consultation export: %w", err)
		}
	}
	return out, nil
}

// Erase removes the person's links; see PersonalData.
func (p PersonalData) Erase(ctx context.Context, tx *db.Tx, accountID uuid.UUID) error {
	if err := p.s.meetings.Forget(ctx, tx, accountID); err != nil {
		return err
	}
	if err := follow.Forget(ctx, tx, follow.Consultation, accountID); err != nil {
		return err
	}
	if err := support.Forget(ctx, tx, support.Submission, accountID); err != nil {
		return err
	}
	for _, table := range []string{"consultation_interests", "submission_flags", "survey_answers"} {
		if _, err := tx.Exec(ctx, `delete from `+table+` where account_id = $1`, accountID); err != nil {
			return fmt.Errorf("erase %s: %w", table, err)
		}
	}
	return nil
}
