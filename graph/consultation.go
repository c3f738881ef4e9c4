package graph

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/live"
	"github.com/otwarty/otwarty/internal/page"
)

func consultationOut(c *consultation.Consultation) *model.Consultation {
	m := &model.Consultation{ID: gid.Encode("Consultation", c.ID), C: c, Status: model.ConsultationStatus(strings.ToUpper(string(c.Status))),
		Tags: nonNilStrings(c.Tags), Districts: nonNilStrings(c.Districts), AnnounceAt: c.AnnounceAt, OpensAt: c.OpensAt,
		ClosesAt: c.ClosesAt, ReportDueAt: c.ReportDueAt, PublishedAt: c.PublishedAt, Forms: []model.ParticipationForm{},
		Overrides: []model.RuleOverride{}}
	for _, f := range c.Forms {
		m.Forms = append(m.Forms, model.ParticipationForm(strings.ToUpper(f)))
	}
	for _, rule := range consultation.Rules {
		if j, ok := c.Overrides[rule]; ok {
			m.Overrides = append(m.Overrides, model.RuleOverride{Rule: rule, Justification: j})
		}
	}
	return m
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func submissionOut(s *consultation.Submission) *model.Submission {
	return &model.Submission{ID: gid.Encode("Submission", s.ID), Key: s.ID, ConsultationID: s.ConsultationID,
		SectionID: s.SectionID, ParentID: s.ParentID, AuthorID: s.AuthorID, AuthorLabel: s.AuthorName, TextID: s.TextID,
		Kind: model.SubmissionKind(strings.ToUpper(s.Kind)), Status: model.SubmissionStatus(strings.ToUpper(s.Status)),
		StaffEntered: s.StaffEnteredBy != nil, ReceivedAt: s.ReceivedAt, CreatedAt: s.CreatedAt, EditedAt: s.EditedAt,
		SupportCount: s.SupportCount, ReplyCount: s.ReplyCount, S: s}
}

func sectionOut(s consultation.Section) model.ConsultationSection {
	return model.ConsultationSection{ID: gid.Encode("ConsultationSection", s.ID), Key: s.ID, Position: s.Position,
		HeadingTextID: s.HeadingTextID, BodyTextID: s.BodyTextID}
}

func (r *Resolver) submissionPage(ctx context.Context, cid uuid.UUID, f consultation.SubmissionFilter, first *int, after *string) (*model.SubmissionConnection, error) {
	n, err := r.pageSize(first)
	if err != nil {
		return nil, err
	}
	p, err := r.Consultations.Submissions(ctx, cid, f, n, deref(after))
	if err != nil {
		return nil, err
	}
	return submissionConnection(ctx, p, after), nil
}

// submissionConnection is a page of submissions, primed in the response's
// loaders.
func submissionConnection(ctx context.Context, p page.Page[*consultation.Submission], after *string) *model.SubmissionConnection {
	primeSubmissions(ctx, p.Items)
	edges, info := connect(p, after, consultation.SubmissionCursor, func(c string, s *consultation.Submission) model.SubmissionEdge {
		return model.SubmissionEdge{Cursor: c, Node: submissionOut(s)}
	})
	return &model.SubmissionConnection{TotalCount: p.Total, Edges: edges, PageInfo: info}
}

// submissionObject is the submission as an authorization object, with its
// consultation's unit (loaded through the per-response loader).
func (r *Resolver) submissionObject(ctx context.Context, s *model.Submission) (authz.Object, *consultation.Consultation, error) {
	c, err := loadersFrom(ctx).consultation(ctx, s.ConsultationID)
	if err != nil || c == nil {
		return authz.Object{}, nil, err
	}
	return authz.Object{Type: "submission", ID: s.Key.String(), OwnerID: s.AuthorID,
		Domains: []string{consultation.Domain(s.ConsultationID), "org:" + c.C.UnitID.String()}}, c.C, nil
}

func scopeObject(c *consultation.Consultation) authz.Object {
	return authz.Object{Type: "submission", Domains: []string{consultation.Domain(c.ID), "org:" + c.UnitID.String()}}
}

func ruleResultOut(loc i18n.Locale, res consultation.RuleResult) model.RuleResult {
	return model.RuleResult{Rule: res.Rule, Ok: res.OK, Overridable: res.Overridable, Message: i18n.T(loc, res.Key, res.Args)}
}

// activity streams a consultation's live topic as small events, re-checking
// the session and the consultation's visibility before each one.
// activityKey names one live topic of a consultation.
type activityKey struct {
	id         uuid.UUID
	moderation bool
}

func (k activityKey) topic() string {
	if k.moderation {
		return consultation.ModerationTopic(k.id)
	}
	return consultation.Topic(k.id)
}

// activityOut converts one event of k's topic, once for every subscriber.
func activityOut(k activityKey, ev live.Event) (*model.ConsultationActivityEvent, bool) {
	var e struct {
		consultation.Event
		Status string `json:"status"`
	}
	if json.Unmarshal(ev.Data, &e) != nil {
		return nil, false
	}
	m := &model.ConsultationActivityEvent{ConsultationID: gid.Encode("Consultation", k.id), Type: e.Type, SupportCount: e.SupportCount}
	if e.SubmissionID != nil {
		sid := gid.Encode("Submission", *e.SubmissionID)
		m.SubmissionID = &sid
	}
	if e.Status != "" {
		st := model.ConsultationStatus(strings.ToUpper(e.Status))
		m.Status = &st
	}
	return m, true
}

// activity streams a consultation's public activity or its moderation queue.
// Who may watch is decided now and again when grants change; an event then
// costs no database work per subscriber.
func (r *Resolver) activity(ctx context.Context, consultationID string, moderation bool) (<-chan *model.ConsultationActivityEvent, error) {
	id, err := gid.Expect(consultationID, "Consultation", "consultationId")
	if err != nil {
		return nil, err
	}
	return r.watchActivity(ctx, id, moderation, endWith(ctx))
}

// WatchConsultation streams a consultation's public activity or, with
// moderation, its moderation queue, to a caller other than a GraphQL
// subscription (the web pages' server-sent events): the same fan-out and
// the same decision of who may watch, made again when grants change. The
// channel closes when the caller may no longer watch.
func (r *Resolver) WatchConsultation(ctx context.Context, id uuid.UUID, moderation bool) (<-chan *model.ConsultationActivityEvent, error) {
	return r.watchActivity(ctx, id, moderation, nil)
}

func (r *Resolver) watchActivity(ctx context.Context, id uuid.UUID, moderation bool, onEnd func(bool)) (<-chan *model.ConsultationActivityEvent, error) {
	consultationID := gid.Encode("Consultation", id)
	c, err := r.Consultations.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	// Who may watch depends on these fields only; a subscription keeps no
	// more of the consultation than they.
	cid, unit, status := c.ID, c.UnitID, c.Status
	slim := func() *consultation.Consultation {
		return &consultation.Consultation{ID: cid, UnitID: unit, Status: status}
	}
	field := "consultationActivity"
	decide := func() live.View { return visibleIf(authz.Can(ctx, consultation.ActRead, slim().Object())) }
	if moderation {
		if _, err := requireSignedIn(ctx); err != nil {
			return nil, err
		}
		if err := authz.Require(ctx, consultation.ActModerate, scopeObject(c)); err != nil {
			return nil, err
		}
		field = "moderationQueue"
		decide = func() live.View { return visibleIf(authz.Can(ctx, consultation.ActModerate, scopeObject(slim()))) }
	}
	st, err := r.live.activity.Subscribe(ctx, activityKey{id: id, moderation: moderation}, live.StreamOptions[*model.ConsultationActivityEvent]{
		Field:  field,
		Decide: decide,
		OnEnd:  onEnd,
		Resync: func(live.View) (*model.ConsultationActivityEvent, bool) {
			return &model.ConsultationActivityEvent{ConsultationID: consultationID, Type: "resync"}, true
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

// visibleIf is the view of a stream that is either seen whole or not at all.
func visibleIf(ok bool) live.View {
	if ok {
		return 1
	}
	return live.Hidden
}

func lowerForms(in []model.ParticipationForm) []string {
	out := make([]string, 0, len(in))
	for _, f := range in {
		out = append(out, strings.ToLower(string(f)))
	}
	return out
}

func localizedIn(in *model.LocalizedInput) i18n.Input {
	if in == nil {
		return i18n.Input{}
	}
	return i18n.Input{Locale: in.Locale, Text: in.Text}
}

// moderatorTarget decodes the organisation or account of an (un)assignment.
func moderatorTarget(orgID, accountID *string) (org *uuid.UUID, acc *uuid.UUID, err error) {
	if (orgID == nil) == (accountID == nil) {
		return nil, nil, apperr.Invalid("organisationId", "error.invalid_input")
	}
	if org, err = gid.Optional(orgID, "Organisation", "organisationId"); err != nil {
		return nil, nil, err
	}
	if acc, err = gid.Optional(accountID, "Account", "accountId"); err != nil {
		return nil, nil, err
	}
	return org, acc, nil
}

func (r *Resolver) assignModerator(ctx context.Context, consultationID string, orgID, accountID *string, assign bool) (*model.Consultation, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	cid, err := gid.Expect(consultationID, "Consultation", "consultationId")
	if err != nil {
		return nil, err
	}
	org, acc, err := moderatorTarget(orgID, accountID)
	if err != nil {
		return nil, err
	}
	switch {
	case org != nil && assign:
		err = r.Consultations.AssignOrganisation(ctx, cid, *org)
	case org != nil:
		err = r.Consultations.UnassignOrganisation(ctx, cid, *org)
	case assign:
		err = r.Consultations.AssignModerator(ctx, cid, *acc)
	default:
		err = r.Consultations.UnassignModerator(ctx, cid, *acc)
	}
	if err != nil {
		return nil, err
	}
	c, err := r.Consultations.Get(ctx, cid)
	if err != nil {
		return nil, err
	}
	return consultationOut(c), nil
}

func (r *Resolver) follow(ctx context.Context, consultationID string, on bool) (*model.Consultation, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	cid, err := gid.Expect(consultationID, "Consultation", "consultationId")
	if err != nil {
		return nil, err
	}
	if on {
		err = r.Consultations.Follow(ctx, cid)
	} else {
		err = r.Consultations.Unfollow(ctx, cid)
	}
	if err != nil {
		return nil, err
	}
	c, err := r.Consultations.Get(ctx, cid)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).following.Clear(cid)
	return consultationOut(c), nil
}

// onSubmission runs a submission mutation that takes only its id.
func (r *Resolver) onSubmission(ctx context.Context, submissionID string, act func(context.Context, uuid.UUID) (*consultation.Submission, error)) (*model.Submission, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	id, err := gid.Expect(submissionID, "Submission", "submissionId")
	if err != nil {
		return nil, err
	}
	s, err := act(ctx, id)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).supported.Clear(id)
	return submissionOut(s), nil
}

func meetingOut(m *consultation.Meeting) *model.Meeting {
	out := &model.Meeting{ID: gid.Encode("Meeting", m.ID), M: m, Kind: model.MeetingKind(strings.ToUpper(m.Kind)),
		StartsAt: m.StartsAt, EndsAt: m.EndsAt, Capacity: m.Capacity, RegisteredCount: m.Registered,
		WaitlistedCount: m.Waitlisted, AttendedCount: m.Attended, Cancelled: m.CancelledAt != nil, Languages: []i18n.Locale{}}
	if m.Place != "" {
		p := m.Place
		out.Place = &p
	}
	if m.OnlineURL != "" {
		u := m.OnlineURL
		out.OnlineURL = &u
	}
	for _, l := range m.Languages {
		out.Languages = append(out.Languages, i18n.Locale(l))
	}
	return out
}

func answerOut(a *consultation.Answer) *model.Answer {
	if a == nil {
		return nil
	}
	return &model.Answer{Status: model.AnswerStatus(strings.ToUpper(a.Status)), ReasonTextID: a.ReasonTextID, PublishedAt: a.PublishedAt}
}

func reportOut(r *consultation.Report) *model.ConsultationReport {
	out := &model.ConsultationReport{ConsultationID: r.ConsultationID, PublishedAt: r.PublishedAt,
		SubmissionCount: r.Counts.Submissions, ParticipantCount: r.Counts.Participants,
		MeetingCount: r.Counts.Meetings, AttendeeCount: r.Counts.Attendees, AnswersByStatus: []model.AnswerCount{}}
	out.BodyOpinions = bodyOpinionsOut(r.BodyOpinions)
	for _, st := range consultation.AnswerStatuses {
		out.AnswersByStatus = append(out.AnswersByStatus, model.AnswerCount{Status: model.AnswerStatus(strings.ToUpper(st)), Count: r.Counts.Answers[st]})
	}
	return out
}

// onMeeting runs a meeting mutation and returns the meeting as it now is.
func (r *Resolver) onMeeting(ctx context.Context, meetingID string, act func(context.Context, uuid.UUID) error) (*model.Meeting, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	id, err := gid.Expect(meetingID, "Meeting", "meetingId")
	if err != nil {
		return nil, err
	}
	if err := act(ctx, id); err != nil {
		return nil, err
	}
	m, err := r.Consultations.GetMeeting(ctx, id)
	if err != nil {
		return nil, err
	}
	return meetingOut(m), nil
}

// optSlice maps an optional list argument to "leave unchanged" (nil) or the
// new list.
func optSlice(in []string) *[]string {
	if in == nil {
		return nil
	}
	out := append([]string{}, in...)
	return &out
}

// questionsByID maps a consultation's questions (through the loader).
func questionsByID(ctx context.Context, cid uuid.UUID) (map[uuid.UUID]*model.ConsultationQuestion, error) {
	qs, err := loadersFrom(ctx).questions.Load(ctx, cid)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]*model.ConsultationQuestion, len(qs))
	for _, q := range qs {
		out[q.ID] = &model.ConsultationQuestion{ID: gid.Encode("ConsultationQuestion", q.ID), Key: q.ID, Position: q.Position, TextID: q.TextID}
	}
	return out, nil
}

// sectionPage pages a consultation's sections by position. A document has
// at most consultation.MaxSections sections, loaded once per response.
func (r *Resolver) sectionPage(ctx context.Context, cid uuid.UUID, first *int, after *string) (*model.ConsultationSectionConnection, error) {
	n, err := r.pageSize(first)
	if err != nil {
		return nil, err
	}
	var cur sectionCursor
	resume, err := page.After("sections", deref(after), &cur)
	if err != nil {
		return nil, err
	}
	secs, err := loadersFrom(ctx).sections.Load(ctx, cid)
	if err != nil {
		return nil, err
	}
	var rest []consultation.Section
	for _, s := range secs {
		if !resume || s.Position > cur.Position {
			rest = append(rest, s)
		}
	}
	if len(rest) > n+1 {
		rest = rest[:n+1]
	}
	p := page.Of(rest, n, len(secs))
	edges, info := connect(p, after, func(s consultation.Section) string {
		return page.Cursor("sections", sectionCursor{Position: s.Position})
	}, func(c string, s consultation.Section) model.ConsultationSectionEdge {
		out := sectionOut(s)
		return model.ConsultationSectionEdge{Cursor: c, Node: &out}
	})
	return &model.ConsultationSectionConnection{TotalCount: p.Total, Edges: edges, PageInfo: info}, nil
}

// sectionCursor is a section's position in its document.
type sectionCursor struct {
	Position int `json:"p"`
}
