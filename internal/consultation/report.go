package consultation

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/gathering"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// ReasonReport is the reason recorded for the change closed → reported.
const ReasonReport = "report"

// Export formats of the closing report.
const (
	FormatJSON     = "json"
	FormatCSV      = "csv"
	FormatMarkdown = "markdown"
)

// Errors of the closing report.
var (
	ErrReportPhase     = apperr.New(apperr.PhaseClosed, "report.not_closed")
	ErrReportPublished = apperr.New(apperr.Conflict, "report.published")
	errReportFormat    = apperr.Invalid("format", "report.format_invalid")
)

// errUnanswered is the refusal to publish while n submissions wait for a
// published answer.
func errUnanswered(n int) error {
	return apperr.New(apperr.Conflict, "report.unanswered").With(map[string]any{"count": n})
}

// ReportCounts are the report's numbers. Submissions are top-level
// (postulates and section comments); withdrawn ones count nowhere.
type ReportCounts struct {
	Submissions  int `json:"submissions"`
	Postulates   int `json:"postulates"`
	Comments     int `json:"comments"`
	Replies      int `json:"replies"`
	StaffEntered int `json:"staffEntered"`
	Hidden       int `json:"hidden"`
	// Participants are distinct author accounts plus distinct names of
	// staff-entered authors.
	Participants int `json:"participants"`
	Supports     int `json:"supports"`
	Meetings     int `json:"meetings"`
	Attendees    int `json:"attendees"`
	// Answers counts published answers by status; every status is present.
	Answers map[string]int `json:"answers"`
	// SurveyRespondents are the distinct accounts that answered at least
	// one survey question.
	SurveyRespondents int `json:"surveyRespondents"`
}

// ReportItem is one submission with its answer. A hidden submission has
// no text and no author, only the moderation reason.
type ReportItem struct {
	Number       int          `json:"number"`
	SubmissionID uuid.UUID    `json:"submissionId"`
	Kind         string       `json:"kind"`
	Section      *string      `json:"section"`
	Text         *string      `json:"text"`
	TextLocale   *i18n.Locale `json:"textLocale"`
	// Author is the display name, or the name staff entered; nil for a
	// hidden submission or a deleted account (AuthorDeleted).
	Author        *string   `json:"author"`
	AuthorDeleted bool      `json:"authorDeleted"`
	StaffEntered  bool      `json:"staffEntered"`
	ReceivedAt    time.Time `json:"receivedAt"`
	Supports      int       `json:"supports"`
	Hidden        bool      `json:"hidden"`
	// HiddenReason is the reason code of the latest hiding, HiddenLabel
	// "hidden by moderation (reason)" in the report's locale.
	HiddenReason *string `json:"hiddenReason"`
	HiddenLabel  *string `json:"hiddenLabel"`
	// AnswerStatus is nil only in a preview, for a submission not yet
	// answered (drafts show in a staff preview).
	AnswerStatus    *string      `json:"answerStatus"`
	AnswerReason    *string      `json:"answerReason"`
	AnswerLocale    *i18n.Locale `json:"answerLocale"`
	AnswerPublished bool         `json:"answerPublished"`
	sectionTextID   *uuid.UUID
	textID          uuid.UUID
	answerReasonID  *uuid.UUID
	deleted         bool
}

// Report is the closing report in one locale.
type Report struct {
	ConsultationID uuid.UUID   `json:"consultationId"`
	Locale         i18n.Locale `json:"locale"`
	Title          string      `json:"title"`
	Summary        *string     `json:"summary"`
	Status         Status      `json:"status"`
	OpensAt        *time.Time  `json:"opensAt"`
	ClosesAt       *time.Time  `json:"closesAt"`
	ReportDueAt    *time.Time  `json:"reportDueAt"`
	// PublishedAt is nil in a staff preview of an unpublished report.
	PublishedAt *time.Time   `json:"publishedAt"`
	Overdue     bool         `json:"overdue"`
	Counts      ReportCounts `json:"counts"`
	Items       []ReportItem `json:"submissions"`
	// BodyOpinions are the opinions dialogue bodies gave on the
	// consultation (opinion.go), oldest first.
	BodyOpinions []BodyOpinion `json:"bodyOpinions"`
}

// ReportOverdue is the public "overdue" mark: the consultation is closed,
// its report is not published and its due date has passed. Software cannot
// force an official to publish (DESIGN.md); it can say so.
func ReportOverdue(c *Consultation, now time.Time) bool {
	return c.Status == StatusClosed && c.ReportDueAt != nil && now.After(*c.ReportDueAt)
}

// PublishReport publishes the closing report of a closed consultation
// ("manage") once every top-level, not withdrawn submission has a published
// answer (else CONFLICT report.unanswered with the count). It stores the
// counts, moves the consultation to reported (recorded with reason
// "report", announced live) and tells its followers and authors.
func (s *Service) PublishReport(ctx context.Context, cid uuid.UUID, summary *i18n.Input) (*Report, error) {
	caller := authz.SubjectFrom(ctx)
	if caller.Anonymous() {
		return nil, apperr.ErrUnauthenticated
	}
	if summary != nil {
		if err := validateLocalized("summary", *summary, false); err != nil {
			return nil, err
		}
	}
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := s.consultationFor(ctx, tx, cid, ActManage, true)
		if err != nil {
			return err
		}
		switch c.Status {
		case StatusClosed:
		case StatusReported:
			return ErrReportPublished
		default:
			return ErrReportPhase
		}
		n, err := countUnanswered(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			return errUnanswered(n)
		}
		var summaryID *uuid.UUID
		if summary != nil {
			if summaryID, err = i18n.CreateOptional(ctx, tx, *summary, caller.AccountID, textDomains(c.ID, c.UnitID)); err != nil {
				return err
			}
		}
		counts, err := reportCounts(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into consultation_reports (consultation_id, published_at, published_by, summary_text_id, counts)
			values ($1, $2, $3, $4, $5)`, c.ID, s.now(), actorOrNil(caller.AccountID), summaryID, counts); err != nil {
			return fmt.Errorf("publish report: %w", err)
		}
		if err := setPhase(ctx, tx, c.ID, StatusClosed, StatusReported, ReasonReport, caller.AccountID); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Entry{ActorID: caller.AccountID, Action: "consultation.report_publish",
			ObjectType: "consultation", ObjectID: c.ID.String(), Data: map[string]any{"counts": counts}}); err != nil {
			return err
		}
		return s.notifyReport(ctx, tx, c.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.Report(ctx, cid, i18n.FromContext(ctx))
}

// notifyReport tells the consultation's followers and the authors of its
// submissions (not withdrawn) that the report is out, once each.
func (s *Service) notifyReport(ctx context.Context, tx pgx.Tx, cid uuid.UUID) error {
	if s.notify == nil {
		return nil
	}
	rows, err := tx.Query(ctx, `
		select f.account_id from follows f join accounts a on a.id = f.account_id
		where f.kind = 'consultation' and f.object_id = $1 and a.deleted_at is null
		union
		select s.author_id from submissions s join accounts a on a.id = s.author_id
		where s.consultation_id = $1 and s.status <> 'withdrawn' and a.deleted_at is null`, cid)
	if err != nil {
		return fmt.Errorf("report recipients: %w", err)
	}
	recipients, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return fmt.Errorf("report recipients: %w", err)
	}
	for _, a := range recipients {
		err := s.notify.Notify(ctx, tx, notify.Notice{
			AccountID: a, Kind: NoticeConsultationReport,
			Data:      map[string]string{"consultation_id": cid.String()},
			DedupeKey: "report:" + cid.String() + ":" + a.String(), InApp: true, Email: true,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// reportCounts computes the counts from the submissions and answers (one
// statement) and the meetings.
func reportCounts(ctx context.Context, q db.Querier, cid uuid.UUID) (ReportCounts, error) {
	c := ReportCounts{Answers: map[string]int{}}
	var accepted, partly, notAccepted, notApplicable int
	err := q.QueryRow(ctx, `
		select count(*) filter (where s.parent_id is null),
			count(*) filter (where s.parent_id is null and s.kind = 'postulate'),
			count(*) filter (where s.parent_id is null and s.kind = 'comment'),
			count(*) filter (where s.parent_id is not null),
			count(*) filter (where s.parent_id is null and s.author_id is null and s.author_name <> ''),
			count(*) filter (where s.parent_id is null and s.status = 'hidden'),
			count(distinct s.author_id) + count(distinct lower(btrim(s.author_name))) filter (where s.author_id is null and s.author_name <> ''),
			coalesce(sum(s.support_count), 0),
			count(*) filter (where s.parent_id is null and a.status = 'accepted'),
			count(*) filter (where s.parent_id is null and a.status = 'partly_accepted'),
			count(*) filter (where s.parent_id is null and a.status = 'not_accepted'),
			count(*) filter (where s.parent_id is null and a.status = 'not_applicable')
		from submissions s
		left join submission_answers a on a.submission_id = s.id and a.published_at is not null
		where s.consultation_id = $1 and s.status <> 'withdrawn'`, cid).
		Scan(&c.Submissions, &c.Postulates, &c.Comments, &c.Replies, &c.StaffEntered, &c.Hidden, &c.Participants,
			&c.Supports, &accepted, &partly, &notAccepted, &notApplicable)
	if err != nil {
		return c, fmt.Errorf("report counts: %w", err)
	}
	c.Answers[AnswerAccepted], c.Answers[AnswerPartlyAccepted] = accepted, partly
	c.Answers[AnswerNotAccepted], c.Answers[AnswerNotApplicable] = notAccepted, notApplicable
	if c.Meetings, c.Attendees, err = gathering.Held(ctx, q, GatheringKind, cid); err != nil {
		return c, err
	}
	if c.SurveyRespondents, err = surveyRespondents(ctx, q, cid); err != nil {
		return c, err
	}
	return c, nil
}

// Report returns the closing report in locale (falling back to each text's
// original). It is public once published, wherever the consultation is
// visible; before that, those who may manage the consultation see a preview
// (PublishedAt nil, live counts, draft answers), everyone else NOT_FOUND.
func (s *Service) Report(ctx context.Context, cid uuid.UUID, locale i18n.Locale) (*Report, error) {
	if !locale.Valid() {
		locale = i18n.Default
	}
	c, err := s.visible(ctx, s.pool, cid, false)
	if err != nil {
		return nil, err
	}
	r := &Report{ConsultationID: c.ID, Locale: locale, Status: c.Status, OpensAt: inWarsaw(c.OpensAt),
		ClosesAt: inWarsaw(c.ClosesAt), ReportDueAt: inWarsaw(c.ReportDueAt), Overdue: ReportOverdue(c, s.now())}
	var summaryID *uuid.UUID
	var counts []byte
	err = s.pool.QueryRow(ctx, `select published_at, summary_text_id, counts from consultation_reports
		where consultation_id = $1`, c.ID).Scan(&r.PublishedAt, &summaryID, &counts)
	published := err == nil
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("read report: %w", err)
	}
	staff := authz.Can(ctx, ActManage, c.Object())
	if !published && !staff {
		return nil, ErrNotFound
	}
	if published {
		r.PublishedAt = inWarsaw(r.PublishedAt)
		if err := json.Unmarshal(counts, &r.Counts); err != nil {
			return nil, fmt.Errorf("report counts: %w", err)
		}
	} else if r.Counts, err = reportCounts(ctx, s.pool, c.ID); err != nil {
		return nil, err
	}
	if r.Items, err = reportItems(ctx, s.pool, c.ID, !published && staff); err != nil {
		return nil, err
	}
	if r.BodyOpinions, err = s.bodyOpinions(ctx, s.pool, c.ID); err != nil {
		return nil, err
	}
	ids := []uuid.UUID{c.TitleTextID}
	for _, o := range r.BodyOpinions {
		ids = append(ids, o.BodyNameTextID, o.TitleTextID, o.TextID)
	}
	if summaryID != nil {
		ids = append(ids, *summaryID)
	}
	for _, it := range r.Items {
		ids = append(ids, it.textID)
		if it.sectionTextID != nil {
			ids = append(ids, *it.sectionTextID)
		}
		if it.answerReasonID != nil {
			ids = append(ids, *it.answerReasonID)
		}
	}
	texts, err := i18n.Load(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	r.Title = texts[c.TitleTextID].Resolve(locale).Text
	for i := range r.BodyOpinions {
		o := &r.BodyOpinions[i]
		o.AdoptedAt = o.AdoptedAt.In(Warsaw)
		o.DueAt = inWarsaw(o.DueAt)
		o.Body = texts[o.BodyNameTextID].Resolve(locale).Text
		o.Title = texts[o.TitleTextID].Resolve(locale).Text
		res := texts[o.TextID].Resolve(locale)
		o.Text, o.TextLocale = res.Text, res.Locale
	}
	if summaryID != nil {
		t := texts[*summaryID].Resolve(locale).Text
		r.Summary = &t
	}
	for i := range r.Items {
		it := &r.Items[i]
		it.Number = i + 1
		if it.sectionTextID != nil {
			h := texts[*it.sectionTextID].Resolve(locale).Text
			it.Section = &h
		}
		if it.Hidden {
			label := i18n.T(locale, "report.hidden", map[string]any{"reason": reasonLabel(locale, deref(it.HiddenReason))})
			it.HiddenLabel = &label
		} else {
			res := texts[it.textID].Resolve(locale)
			it.Text, it.TextLocale = &res.Text, &res.Locale
		}
		if it.answerReasonID != nil {
			res := texts[*it.answerReasonID].Resolve(locale)
			it.AnswerReason, it.AnswerLocale = &res.Text, &res.Locale
		}
	}
	return r, nil
}

// reportItems lists the top-level, not withdrawn submissions in order of
// receipt with their answers (drafts too when withDrafts) and, for hidden
// ones, the reason of the latest hiding instead of text and author.
func reportItems(ctx context.Context, q db.Querier, cid uuid.UUID, withDrafts bool) ([]ReportItem, error) {
	rows, err := q.Query(ctx, `
		select s.id, s.kind, s.status = 'hidden', s.author_id is null and s.author_name <> '',
			case when s.author_id is null then nullif(s.author_name, '') when acc.deleted_at is null then acc.display_name end,
			(s.author_id is null and s.author_name = '') or acc.deleted_at is not null,
			s.text_id, sec.heading_text_id, s.received_at, s.support_count,
			a.status, a.reason_text_id, a.published_at is not null,
			(select m.reason from moderation_actions m where m.submission_id = s.id and m.action in ('hide', 'auto_hide')
				order by m.created_at desc, m.id desc limit 1)
		from submissions s
		left join accounts acc on acc.id = s.author_id
		left join consultation_sections sec on sec.id = s.section_id
		left join submission_answers a on a.submission_id = s.id and ($2 or a.published_at is not null)
		where s.consultation_id = $1 and s.parent_id is null and s.status <> 'withdrawn'
		order by s.received_at, s.created_at, s.id`, cid, withDrafts)
	if err != nil {
		return nil, fmt.Errorf("report items: %w", err)
	}
	defer rows.Close()
	out := []ReportItem{}
	for rows.Next() {
		var it ReportItem
		var published *bool
		if err := rows.Scan(&it.SubmissionID, &it.Kind, &it.Hidden, &it.StaffEntered, &it.Author, &it.deleted,
			&it.textID, &it.sectionTextID, &it.ReceivedAt, &it.Supports, &it.AnswerStatus, &it.answerReasonID,
			&published, &it.HiddenReason); err != nil {
			return nil, fmt.Errorf("report items: %w", err)
		}
		it.ReceivedAt = it.ReceivedAt.In(Warsaw)
		it.AnswerPublished = published != nil && *published
		it.AuthorDeleted = it.deleted && !it.Hidden
		if it.Hidden {
			// The report names neither the words nor the person (DESIGN.md).
			it.Author, it.AuthorDeleted = nil, false
		} else {
			it.HiddenReason = nil
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report items: %w", err)
	}
	return out, nil
}

func inWarsaw(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	w := t.In(Warsaw)
	return &w
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// reasonLabel names a moderation reason in locale.
func reasonLabel(l i18n.Locale, reason string) string {
	if reason == "" {
		return ""
	}
	return i18n.T(l, "moderation.reason."+reason, nil)
}

// ExportReport renders the report (under the rules of Report) as JSON
// (the Report's stable field names), CSV (RFC 4180, a header row, one row
// per submission) or Markdown, with its content type. Hidden submissions
// have no text and no author in every format.
func (s *Service) ExportReport(ctx context.Context, cid uuid.UUID, locale i18n.Locale, format string) ([]byte, string, error) {
	switch format {
	case FormatJSON, FormatCSV, FormatMarkdown:
	default:
		return nil, "", errReportFormat
	}
	r, err := s.Report(ctx, cid, locale)
	if err != nil {
		return nil, "", err
	}
	switch format {
	case FormatJSON:
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return nil, "", fmt.Errorf("report json: %w", err)
		}
		return append(b, '\n'), "application/json; charset=utf-8", nil
	case FormatCSV:
		b, err := reportCSV(r)
		return b, "text/csv; charset=utf-8", err
	default:
		return reportMarkdown(r), "text/markdown; charset=utf-8", nil
	}
}

// CSVHeader is the header row of the CSV export.
var CSVHeader = []string{"number", "submission_id", "kind", "section", "author", "author_deleted", "staff_entered",
	"received_at", "supports", "hidden", "hidden_reason", "text", "text_locale", "answer_status", "answer_reason",
	"answer_locale"}

func reportCSV(r *Report) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true // RFC 4180
	if err := w.Write(CSVHeader); err != nil {
		return nil, err
	}
	str := func(s *string) string { return deref(s) }
	loc := func(l *i18n.Locale) string {
		if l == nil {
			return ""
		}
		return string(*l)
	}
	for _, it := range r.Items {
		err := w.Write([]string{strconv.Itoa(it.Number), it.SubmissionID.String(), it.Kind, str(it.Section),
			str(it.Author), strconv.FormatBool(it.AuthorDeleted), strconv.FormatBool(it.StaffEntered),
			it.ReceivedAt.Format(time.RFC3339), strconv.Itoa(it.Supports), strconv.FormatBool(it.Hidden),
			str(it.HiddenReason), str(it.Text), loc(it.TextLocale), str(it.AnswerStatus), str(it.AnswerReason),
			loc(it.AnswerLocale)})
		if err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("report csv: %w", err)
	}
	return buf.Bytes(), nil
}

func reportMarkdown(r *Report) []byte {
	l := r.Locale
	t := func(key string, args map[string]any) string { return i18n.T(l, key, args) }
	day := func(at *time.Time) string {
		if at == nil {
			return "—"
		}
		return at.In(Warsaw).Format("2006-01-02")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", t("report.md.title", map[string]any{"title": oneLine(r.Title)}))
	if r.PublishedAt == nil {
		fmt.Fprintf(&b, "_%s_\n\n", t("report.md.preview", nil))
	}
	if r.Summary != nil {
		fmt.Fprintf(&b, "%s\n\n", quote(*r.Summary))
	}
	fmt.Fprintf(&b, "## %s\n\n", t("report.md.schedule", nil))
	fmt.Fprintf(&b, "- %s: %s\n", t("report.md.opens", nil), day(r.OpensAt))
	fmt.Fprintf(&b, "- %s: %s\n", t("report.md.closes", nil), day(r.ClosesAt))
	fmt.Fprintf(&b, "- %s: %s\n", t("report.md.due", nil), day(r.ReportDueAt))
	fmt.Fprintf(&b, "- %s: %s\n\n", t("report.md.published", nil), day(r.PublishedAt))

	fmt.Fprintf(&b, "## %s\n\n| %s | %s |\n|---|---:|\n", t("report.md.counts", nil), t("report.md.item", nil), t("report.md.number", nil))
	c := r.Counts
	for _, row := range []struct {
		key string
		n   int
	}{
		{"report.count.submissions", c.Submissions}, {"report.count.postulates", c.Postulates},
		{"report.count.comments", c.Comments}, {"report.count.replies", c.Replies},
		{"report.count.staff_entered", c.StaffEntered}, {"report.count.hidden", c.Hidden},
		{"report.count.participants", c.Participants}, {"report.count.supports", c.Supports},
		{"report.count.meetings", c.Meetings}, {"report.count.attendees", c.Attendees},
		{"report.count.survey_respondents", c.SurveyRespondents},
	} {
		fmt.Fprintf(&b, "| %s | %d |\n", t(row.key, nil), row.n)
	}
	for _, st := range AnswerStatuses {
		fmt.Fprintf(&b, "| %s: %s | %d |\n", t("report.md.answers", nil), t("answer.status."+st, nil), c.Answers[st])
	}

	writeOpinionsMarkdown(&b, r)
	fmt.Fprintf(&b, "\n## %s\n", t("report.md.submissions", nil))
	for _, it := range r.Items {
		head := t("submission.kind."+it.Kind, nil)
		if it.Section != nil {
			head += " — " + oneLine(*it.Section)
		}
		fmt.Fprintf(&b, "\n### %d. %s\n\n", it.Number, head)
		switch {
		case it.Hidden:
			fmt.Fprintf(&b, "_%s_\n\n", deref(it.HiddenLabel))
		default:
			author := deref(it.Author)
			if it.AuthorDeleted {
				author = t("report.deleted_account", nil)
			}
			if it.StaffEntered {
				author += " (" + t("report.md.staff_entered", nil) + ")"
			}
			fmt.Fprintf(&b, "%s: %s · %s: %s · %s: %d\n\n", t("report.md.author", nil), oneLine(author),
				t("report.md.received", nil), it.ReceivedAt.Format("2006-01-02"), t("report.md.supports", nil), it.Supports)
			fmt.Fprintf(&b, "%s\n\n", quote(deref(it.Text)))
		}
		if it.AnswerStatus == nil {
			fmt.Fprintf(&b, "**%s:** —\n", t("report.md.answer", nil))
			continue
		}
		fmt.Fprintf(&b, "**%s: %s**\n\n%s\n", t("report.md.answer", nil), t("answer.status."+*it.AnswerStatus, nil),
			quote(deref(it.AnswerReason)))
	}
	return []byte(b.String())
}

// quote renders text as a Markdown block quote, so that people's words
// cannot start headings or tables of the report.
func quote(text string) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n")
	for i, line := range lines {
		lines[i] = strings.TrimRight("> "+line, " ")
	}
	return strings.Join(lines, "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// JobReportReminder is the River kind of report-deadline reminders.
const JobReportReminder = "consultation.report_reminder"

// ReportReminderDays are how many days before the due date officials are
// reminded (0: on the due date).
var ReportReminderDays = []int{7, 0}

// reminderHour is the hour (Europe/Warsaw) at which reminders go out.
const reminderHour = 8

// ReportReminderArgs remind the unit's officials that the report of a
// consultation is due at DueAt, DaysBefore calendar days ahead. The job does
// nothing when the consultation is no longer closed (reported) or its due
// date changed.
type ReportReminderArgs struct {
	ConsultationID uuid.UUID `json:"consultation_id"`
	DueAt          time.Time `json:"due_at"`
	DaysBefore     int       `json:"days_before"`
}

// Kind is the River job kind.
func (ReportReminderArgs) Kind() string { return JobReportReminder }

// InsertOpts gives the job a few attempts.
func (ReportReminderArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 10} }

// ReminderTimes are when the reminders for a report due at due go out: at
// reminderHour in Warsaw, ReportReminderDays calendar days before the due
// day, but never after the due time itself.
func ReminderTimes(due time.Time) []time.Time {
	d := due.In(Warsaw)
	out := make([]time.Time, 0, len(ReportReminderDays))
	for _, days := range ReportReminderDays {
		at := time.Date(d.Year(), d.Month(), d.Day()-days, reminderHour, 0, 0, 0, Warsaw)
		if at.After(due) {
			at = due
		}
		out = append(out, at)
	}
	return out
}

// scheduleReportReminders inserts the reminders of c's report in tx (called
// when c closes); reminders whose time has already passed are left out.
func (s *Service) scheduleReportReminders(ctx context.Context, tx pgx.Tx, c *Consultation) error {
	if c.ReportDueAt == nil {
		return nil
	}
	now := s.now()
	for i, at := range ReminderTimes(*c.ReportDueAt) {
		if !at.After(now) {
			continue
		}
		args := ReportReminderArgs{ConsultationID: c.ID, DueAt: *c.ReportDueAt, DaysBefore: ReportReminderDays[i]}
		if _, err := s.river.InsertTx(ctx, tx, args, &river.InsertOpts{ScheduledAt: at}); err != nil {
			return fmt.Errorf("schedule report reminder: %w", err)
		}
	}
	return nil
}

type reportReminderWorker struct {
	river.WorkerDefaults[ReportReminderArgs]
	s *Service
}

func (w *reportReminderWorker) Work(ctx context.Context, job *river.Job[ReportReminderArgs]) error {
	sent, err := w.s.remindReport(ctx, job.Args)
	if err != nil {
		return err
	}
	if !sent {
		w.s.log.Info("consultation: report reminder is stale", "consultation", job.Args.ConsultationID)
	}
	return nil
}

// remindReport tells the officials of the consultation's unit that its
// report is due, if it still is; it reports whether it did.
func (s *Service) remindReport(ctx context.Context, a ReportReminderArgs) (bool, error) {
	sent := false
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := load(ctx, tx, a.ConsultationID, false)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if c.Status != StatusClosed || c.ReportDueAt == nil || !sameMicrosecond(*c.ReportDueAt, a.DueAt) || s.notify == nil {
			return nil
		}
		rows, err := tx.Query(ctx, `select g.account_id from role_grants g join accounts a on a.id = g.account_id
			where g.role = 'official' and g.domain = $1 and a.deleted_at is null order by g.account_id`,
			"org:"+c.UnitID.String())
		if err != nil {
			return fmt.Errorf("unit officials: %w", err)
		}
		officials, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil {
			return fmt.Errorf("unit officials: %w", err)
		}
		due := c.ReportDueAt.In(Warsaw).Format("2006-01-02")
		for _, o := range officials {
			err := s.notify.Notify(ctx, tx, notify.Notice{
				AccountID: o, Kind: NoticeReportReminder,
				Data: map[string]string{"consultation_id": c.ID.String(), "due_date": due,
					"days_before": strconv.Itoa(a.DaysBefore)},
				DedupeKey: fmt.Sprintf("report_reminder:%s:%s:%d:%s", c.ID, due, a.DaysBefore, o),
				InApp:     true, Email: true,
			})
			if err != nil {
				return err
			}
		}
		sent = true
		return nil
	})
	return sent, err
}
