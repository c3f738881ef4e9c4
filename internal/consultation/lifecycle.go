package consultation

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/audit"
	"github.com/otwarty/otwarty/internal/authz"
	"github.com/otwarty/otwarty/internal/db"
	"github.com/otwarty/otwarty/internal/follow"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/org"
	"github.com/otwarty/otwarty/internal/page"
)

// Districts lists the slugs of Kraków's 18 districts (dzielnice), I to XVIII.
var Districts = []string{
	"stare-miasto", "grzegorzki", "pradnik-czerwony", "pradnik-bialy", "krowodrza", "bronowice",
	"zwierzyniec", "debniki", "lagiewniki-borek-falecki", "swoszowice", "podgorze-duchackie",
	"biezanow-prokocim", "podgorze", "czyzyny", "mistrzejowice", "bienczyce", "wzgorza-krzeslawickie",
	"nowa-huta",
}

// Limits on topic tags.
const (
	MaxTags     = 20
	MaxTagRunes = 40
)

var tagRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// SectionInput is one section of the consulted document.
type SectionInput struct {
	Heading i18n.Input
	Body    i18n.Input
}

// CreateInput describes a new draft. Only UnitID and Title are required;
// the rest may be completed in the draft before publication.
type CreateInput struct {
	UnitID    uuid.UUID
	Title     i18n.Input
	Summary   i18n.Input // optional: empty Text means none
	Body      i18n.Input // optional
	Tags      []string
	Districts []string
	Forms     []string
	// ReportDueAt defaults to ClosesAt plus ReportDays calendar days in Warsaw.
	AnnounceAt, OpensAt, ClosesAt, ReportDueAt *time.Time
	Sections                                   []SectionInput
	Questions                                  []i18n.Input
}

// UpdateInput changes a draft's fields that are set. Sections and Questions,
// when set, replace the existing ones wholesale.
type UpdateInput struct {
	Title, Summary, Body                       *i18n.Input
	Tags, Districts, Forms                     *[]string
	AnnounceAt, OpensAt, ClosesAt, ReportDueAt *time.Time
	Sections                                   *[]SectionInput
	Questions                                  *[]i18n.Input
}

// unitObject is a city unit as the place where consultations are created.
func unitObject(unitID uuid.UUID) authz.Object {
	return authz.Object{Type: "consultation", Domains: []string{"org:" + unitID.String()}}
}

// MayCreateIn reports whether the caller may create consultations in the
// unit: the check Create makes, for offering the unit in a form.
func (s *Service) MayCreateIn(ctx context.Context, unitID uuid.UUID) bool {
	return authz.Can(ctx, ActCreate, unitObject(unitID))
}

// Filter narrows List.
type Filter struct {
	Status   *Status
	UnitID   *uuid.UUID
	District *string
	Tag      *string
}

// Create stores a new draft in a city unit. The caller needs "create" in the
// unit's domain (its officials, coordinators, admins).
func (s *Service) Create(ctx context.Context, in CreateInput) (*Consultation, error) {
	if err := authz.Require(ctx, ActCreate, unitObject(in.UnitID)); err != nil {
		return nil, err
	}
	actor := authz.SubjectFrom(ctx).AccountID
	if err := validateLocalized("title", in.Title, true); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		in   i18n.Input
	}{{"summary", in.Summary}, {"body", in.Body}} {
		if err := validateLocalized(f.name, f.in, false); err != nil {
			return nil, err
		}
	}
	tags, err := normaliseTags(in.Tags)
	if err != nil {
		return nil, err
	}
	districts, err := normaliseDistricts(in.Districts)
	if err != nil {
		return nil, err
	}
	forms, err := normaliseForms(in.Forms)
	if err != nil {
		return nil, err
	}
	if in.ReportDueAt == nil && in.ClosesAt != nil {
		due := in.ClosesAt.In(Warsaw).AddDate(0, 0, ReportDays)
		in.ReportDueAt = &due
	}
	if err := validateOpenClose(in.OpensAt, in.ClosesAt); err != nil {
		return nil, err
	}
	if err := validateSections(in.Sections, in.Questions); err != nil {
		return nil, err
	}
	id := uuid.New()
	err = db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		if err := requireCityUnit(ctx, tx, in.UnitID); err != nil {
			return err
		}
		domains := textDomains(id, in.UnitID)
		title, err := i18n.CreateText(ctx, tx, in.Title.Locale, strings.TrimSpace(in.Title.Text), actor, domains)
		if err != nil {
			return err
		}
		summary, err := i18n.CreateOptional(ctx, tx, in.Summary, actor, domains)
		if err != nil {
			return err
		}
		body, err := i18n.CreateOptional(ctx, tx, in.Body, actor, domains)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `insert into consultations (id, unit_id, status, title_text_id, summary_text_id, body_text_id,
				tags, districts, forms, announce_at, opens_at, closes_at, report_due_at, created_by)
			values ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			id, in.UnitID, title, summary, body, tags, districts, forms,
			in.AnnounceAt, in.OpensAt, in.ClosesAt, in.ReportDueAt, actorOrNil(actor))
		if err != nil {
			return fmt.Errorf("insert consultation: %w", err)
		}
		if err := s.replaceSections(ctx, tx, id, domains, actor, in.Sections, false); err != nil {
			return err
		}
		if err := s.replaceQuestions(ctx, tx, id, domains, actor, in.Questions, false); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "consultation.create",
			ObjectType: "consultation", ObjectID: id.String(),
			Data: map[string]any{"unit_id": in.UnitID.String()}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

// UpdateDraft changes a draft (status draft only; "manage").
//
// A changed title, summary or body becomes a NEW text that the draft points
// to, rather than a new version of the old text: the draft may be edited by
// any official of the unit, and i18n.AddVersion rightly lets only the
// original's author add an original version. Translations of the replaced
// draft text are dropped with it, which is what a rewritten draft wants.
func (s *Service) UpdateDraft(ctx context.Context, id uuid.UUID, in UpdateInput) (*Consultation, error) {
	actor := authz.SubjectFrom(ctx).AccountID
	err := db.InTx(ctx, s.pool, func(tx *db.Tx) error {
		c, err := s.consultationFor(ctx, tx, id, ActManage, true)
		if err != nil {
			return err
		}
		if c.Status != StatusDraft {
			return apperr.New(apperr.PhaseClosed, "consultation.not_draft")
		}
		if in.Title != nil {
			if err := validateLocalized("title", *in.Title, true); err != nil {
				return err
			}
		}
		for _, f := range []struct {
			name string
			in   *i18n.Input
		}{{"summary", in.Summary}, {"body", in.Body}} {
			if f.in != nil {
				if err := validateLocalized(f.name, *f.in, false); err != nil {
					return err
				}
			}
		}
		var sections []SectionInput
		var questions []i18n.Input
		if in.Sections != nil {
			sections = *in.Sections
		}
		if in.Questions != nil {
			questions = *in.Questions
		}
		if err := validateSections(sections, questions); err != nil {
			return err
		}
		domains := textDomains(c.ID, c.UnitID)
		changed := []string{}
		if in.Title != nil {
			t, err := i18n.CreateText(ctx, tx, in.Title.Locale, strings.TrimSpace(in.Title.Text), actor, domains)
			if err != nil {
				return err
			}
			c.TitleTextID = t
			changed = append(changed, "title")
		}
		if in.Summary != nil {
			if c.SummaryTextID, err = i18n.CreateOptional(ctx, tx, *in.Summary, actor, domains); err != nil {
				return err
			}
			changed = append(changed, "summary")
		}
		if in.Body != nil {
			if c.BodyTextID, err = i18n.CreateOptional(ctx, tx, *in.Body, actor, domains); err != nil {
				return err
			}
			changed = append(changed, "body")
		}
		if in.Tags != nil {
			if c.Tags, err = normaliseTags(*in.Tags); err != nil {
				return err
			}
			changed = append(changed, "tags")
		}
		if in.Districts != nil {
			if c.Districts, err = normaliseDistricts(*in.Districts); err != nil {
				return err
			}
			changed = append(changed, "districts")
		}
		if in.Forms != nil {
			if c.Forms, err = normaliseForms(*in.Forms); err != nil {
				return err
			}
			changed = append(changed, "forms")
		}
		for _, d := range []struct {
			name string
			in   *time.Time
			dst  **time.Time
		}{{"announceAt", in.AnnounceAt, &c.AnnounceAt}, {"opensAt", in.OpensAt, &c.OpensAt},
			{"closesAt", in.ClosesAt, &c.ClosesAt}, {"reportDueAt", in.ReportDueAt, &c.ReportDueAt}} {
			if d.in != nil {
				v := *d.in
				*d.dst = &v
				changed = append(changed, d.name)
			}
		}
		if err := validateOpenClose(c.OpensAt, c.ClosesAt); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `update consultations set title_text_id = $2, summary_text_id = $3, body_text_id = $4,
				tags = $5, districts = $6, forms = $7, announce_at = $8, opens_at = $9, closes_at = $10,
				report_due_at = $11, updated_at = now()
			where id = $1`, c.ID, c.TitleTextID, c.SummaryTextID, c.BodyTextID, c.Tags, c.Districts, c.Forms,
			c.AnnounceAt, c.OpensAt, c.ClosesAt, c.ReportDueAt)
		if err != nil {
			return fmt.Errorf("update consultation: %w", err)
		}
		if in.Sections != nil {
			if err := s.replaceSections(ctx, tx, c.ID, domains, actor, sections, true); err != nil {
				return err
			}
			changed = append(changed, "sections")
		}
		if in.Questions != nil {
			if err := s.replaceQuestions(ctx, tx, c.ID, domains, actor, questions, true); err != nil {
				return err
			}
			changed = append(changed, "questions")
		}
		return audit.Write(ctx, tx, audit.Entry{ActorID: actor, Action: "consultation.update",
			ObjectType: "consultation", ObjectID: c.ID.String(), Data: map[string]any{"fields": changed}})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.pool, id, false)
}

// Get returns the consultation if the caller may see it, else NOT_FOUND.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (*Consultation, error) {
	return s.visible(ctx, s.pool, id, false)
}

// ByIDs returns those of ids the caller may see, in one query (dataloaders).
func (s *Service) ByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]*Consultation, error) {
	out := make(map[uuid.UUID]*Consultation, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `select `+consultationColumns+` from consultations c where c.id = any($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("consultations by ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanConsultation(rows)
		if err != nil {
			return nil, err
		}
		if authz.Can(ctx, ActRead, c.Object()) {
			out[c.ID] = c
		}
	}
	return out, rows.Err()
}

// List pages consultations newest first: keyset (created_at desc, id desc),
// which every row has (opens_at may be null in drafts) and which does not
// move when a draft's schedule is edited. Drafts are filtered in SQL by the
// grants Casbin reads (official, coordinator or admin in the consultation's
// unit, its own domain, or globally), so every listed item passes Get.
func (s *Service) List(ctx context.Context, f Filter, first int, after string) (page.Page[*Consultation], error) {
	var none page.Page[*Consultation]
	if err := page.Check(first); err != nil {
		return none, err
	}
	var cur page.Key
	more, err := page.After("consultations", after, &cur)
	if err != nil {
		return none, err
	}
	domains, err := s.draftDomains(ctx)
	if err != nil {
		return none, err
	}
	var status *string
	if f.Status != nil {
		v := string(*f.Status)
		status = &v
	}
	// $1 status, $2 unit, $3 district, $4 tag, $5 draft domains ("*" = all).
	where := `($1::text is null or c.status = $1)
		and ($2::uuid is null or c.unit_id = $2)
		and ($3::text is null or $3 = any(c.districts))
		and ($4::text is null or $4 = any(c.tags))
		and (c.status <> 'draft' or '*' = any($5::text[])
		     or ('org:' || c.unit_id) = any($5::text[]) or ('consultation:' || c.id) = any($5::text[]))`
	args := []any{status, f.UnitID, f.District, f.Tag, domains}
	var total int
	if err := s.pool.QueryRow(ctx, `select count(*) from consultations c where `+where, args...).Scan(&total); err != nil {
		return none, fmt.Errorf("count consultations: %w", err)
	}
	q := `select ` + consultationColumns + ` from consultations c where ` + where
	if more {
		q += ` and (c.created_at, c.id) < ($6, $7)`
		args = append(args, cur.At, cur.ID)
	}
	q += fmt.Sprintf(` order by c.created_at desc, c.id desc limit %d`, first+1)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return none, fmt.Errorf("list consultations: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Consultation, error) { return scanConsultation(r) })
	if err != nil {
		return none, fmt.Errorf("list consultations: %w", err)
	}
	return page.Of(list, first, total), nil
}

// Cursor is c's opaque position in List.
func (c *Consultation) Cursor() string {
	return page.Cursor("consultations", page.Key{At: c.CreatedAt, ID: c.ID})
}

// draftDomains are the domains in which the caller may read drafts: where it
// holds official, coordinator or admin (the roles of the read rule for
// drafts in policy.csv).
func (s *Service) draftDomains(ctx context.Context) ([]string, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return []string{}, nil
	}
	return authz.DomainsWithRoles(ctx, s.pool, sub.AccountID, authz.RoleOfficial, authz.RoleCoordinator, authz.RoleAdmin)
}

// Sections returns the document's sections in order, if the caller may see
// the consultation.
func (s *Service) Sections(ctx context.Context, id uuid.UUID) ([]Section, error) {
	if _, err := s.visible(ctx, s.pool, id, false); err != nil {
		return nil, err
	}
	m, err := sectionsOf(ctx, s.pool, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	return nonNil(m[id]), nil
}

// Questions returns the consultation's questions in order, if the caller may
// see the consultation.
func (s *Service) Questions(ctx context.Context, id uuid.UUID) ([]Question, error) {
	if _, err := s.visible(ctx, s.pool, id, false); err != nil {
		return nil, err
	}
	m, err := questionsOf(ctx, s.pool, []uuid.UUID{id})
	if err != nil {
		return nil, err
	}
	return nonNil(m[id]), nil
}

// SectionsOf returns the sections of those of ids the caller may see, in
// two queries whatever the number of ids.
func (s *Service) SectionsOf(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]Section, error) {
	seen, err := s.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return sectionsOf(ctx, s.pool, mapKeys(seen))
}

// QuestionsOf returns the questions of those of ids the caller may see, in
// two queries whatever the number of ids.
func (s *Service) QuestionsOf(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]Question, error) {
	seen, err := s.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return questionsOf(ctx, s.pool, mapKeys(seen))
}

func sectionsOf(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID][]Section, error) {
	out := map[uuid.UUID][]Section{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `select id, consultation_id, position, heading_text_id, body_text_id
		from consultation_sections where consultation_id = any($1) order by consultation_id, position`, ids)
	if err != nil {
		return nil, fmt.Errorf("sections: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Section
		if err := rows.Scan(&s.ID, &s.ConsultationID, &s.Position, &s.HeadingTextID, &s.BodyTextID); err != nil {
			return nil, err
		}
		out[s.ConsultationID] = append(out[s.ConsultationID], s)
	}
	return out, rows.Err()
}

func questionsOf(ctx context.Context, q db.Querier, ids []uuid.UUID) (map[uuid.UUID][]Question, error) {
	out := map[uuid.UUID][]Question{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `select id, consultation_id, position, text_id
		from consultation_questions where consultation_id = any($1) order by consultation_id, position`, ids)
	if err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Question
		if err := rows.Scan(&x.ID, &x.ConsultationID, &x.Position, &x.TextID); err != nil {
			return nil, err
		}
		out[x.ConsultationID] = append(out[x.ConsultationID], x)
	}
	return out, rows.Err()
}

func (s *Service) replaceSections(ctx context.Context, tx *db.Tx, id uuid.UUID, domains []string, actor uuid.UUID, in []SectionInput, replace bool) error {
	if replace {
		if _, err := tx.Exec(ctx, `delete from consultation_sections where consultation_id = $1`, id); err != nil {
			return fmt.Errorf("delete sections: %w", err)
		}
	}
	for i, sec := range in {
		h, err := i18n.CreateText(ctx, tx, sec.Heading.Locale, strings.TrimSpace(sec.Heading.Text), actor, domains)
		if err != nil {
			return err
		}
		b, err := i18n.CreateText(ctx, tx, sec.Body.Locale, strings.TrimSpace(sec.Body.Text), actor, domains)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into consultation_sections (consultation_id, position, heading_text_id, body_text_id)
			values ($1, $2, $3, $4)`, id, i, h, b); err != nil {
			return fmt.Errorf("insert section: %w", err)
		}
	}
	return nil
}

func (s *Service) replaceQuestions(ctx context.Context, tx *db.Tx, id uuid.UUID, domains []string, actor uuid.UUID, in []i18n.Input, replace bool) error {
	if replace {
		if _, err := tx.Exec(ctx, `delete from consultation_questions where consultation_id = $1`, id); err != nil {
			return fmt.Errorf("delete questions: %w", err)
		}
	}
	for i, q := range in {
		t, err := i18n.CreateText(ctx, tx, q.Locale, strings.TrimSpace(q.Text), actor, domains)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into consultation_questions (consultation_id, position, text_id)
			values ($1, $2, $3)`, id, i, t); err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
	}
	return nil
}

// consultationFor loads the consultation for act by the caller, in
// authz.For's order (anonymous callers refused first; NOT_FOUND when the
// caller may not see it; FORBIDDEN when it may see but not act).
func (s *Service) consultationFor(ctx context.Context, q db.Querier, id uuid.UUID, act string, forUpdate bool) (*Consultation, error) {
	return authz.For(ctx, act, func() (*Consultation, authz.Object, bool, error) {
		c, err := load(ctx, q, id, forUpdate)
		if err != nil {
			return nil, authz.Object{}, false, err
		}
		return c, c.Object(), authz.Can(ctx, ActRead, c.Object()), nil
	})
}

func requireCityUnit(ctx context.Context, q db.Querier, unitID uuid.UUID) error {
	kind, err := org.KindOf(ctx, q, unitID)
	if err != nil {
		return err
	}
	if kind != org.KindCityUnit {
		return apperr.Invalid("unitId", "consultation.unit_invalid")
	}
	return nil
}

// textDomains are the domains of a consultation's texts: its own and its
// unit's, so that its moderators and the unit's officials may translate.
func textDomains(id, unitID uuid.UUID) []string {
	return []string{Domain(id), "org:" + unitID.String()}
}

func validateLocalized(field string, in i18n.Input, required bool) error {
	key := ""
	if required {
		key = "consultation.text_required"
	}
	return in.Check(field, key)
}

// MaxSections and MaxQuestions bound a document: a long document is split
// into sections, which the API pages.
const (
	MaxSections  = 300
	MaxQuestions = 50
)

func validateSections(sections []SectionInput, questions []i18n.Input) error {
	if len(sections) > MaxSections {
		return apperr.Invalid("sections", "input.too_many").With(map[string]any{"max": MaxSections})
	}
	if len(questions) > MaxQuestions {
		return apperr.Invalid("questions", "input.too_many").With(map[string]any{"max": MaxQuestions})
	}
	for i, sec := range sections {
		if err := validateLocalized(fmt.Sprintf("sections.%d.heading", i), sec.Heading, true); err != nil {
			return err
		}
		if err := validateLocalized(fmt.Sprintf("sections.%d.body", i), sec.Body, true); err != nil {
			return err
		}
	}
	for i, q := range questions {
		if err := validateLocalized(fmt.Sprintf("questions.%d", i), q, true); err != nil {
			return err
		}
	}
	return nil
}

func validateOpenClose(opens, closes *time.Time) error {
	if opens != nil && closes != nil && !opens.Before(*closes) {
		return apperr.Invalid("closesAt", "consultation.schedule_order")
	}
	return nil
}

func normaliseTags(in []string) ([]string, error) {
	out := []string{}
	for _, t := range in {
		t = strings.TrimSpace(t)
		if len(t) > MaxTagRunes || !tagRE.MatchString(t) {
			return nil, apperr.Invalid("tags", "consultation.tag_invalid").With(map[string]any{"tag": t, "max": MaxTagRunes})
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		return nil, apperr.Invalid("tags", "consultation.too_many_tags").With(map[string]any{"max": MaxTags})
	}
	return out, nil
}

func normaliseDistricts(in []string) ([]string, error) {
	out := []string{}
	for _, d := range in {
		if !slices.Contains(Districts, d) {
			return nil, apperr.Invalid("districts", "consultation.district_invalid").With(map[string]any{"district": d})
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

func normaliseForms(in []string) ([]string, error) {
	out := []string{}
	for _, f := range in {
		if !slices.Contains(Forms, f) {
			return nil, apperr.Invalid("forms", "consultation.form_invalid").With(map[string]any{"form": f})
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

func actorOrNil(id uuid.UUID) *uuid.UUID {
	if id == uuid.Nil {
		return nil
	}
	return &id
}

func mapKeys[V any](m map[uuid.UUID]V) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Follow subscribes the caller to a published consultation's news
// ("follow"); following twice does nothing.
func (s *Service) Follow(ctx context.Context, id uuid.UUID) error {
	c, err := s.consultationFor(ctx, s.pool, id, ActFollow, false)
	if err != nil {
		return err
	}
	return follow.Set(ctx, s.pool, follow.Consultation, c.ID, authz.SubjectFrom(ctx).AccountID, true)
}

// Unfollow ends Follow; unfollowing what one does not follow does nothing.
func (s *Service) Unfollow(ctx context.Context, id uuid.UUID) error {
	c, err := s.consultationFor(ctx, s.pool, id, ActFollow, false)
	if err != nil {
		return err
	}
	return follow.Set(ctx, s.pool, follow.Consultation, c.ID, authz.SubjectFrom(ctx).AccountID, false)
}

// IsFollowing reports whether the caller follows the consultation (false for
// anonymous callers).
func (s *Service) IsFollowing(ctx context.Context, id uuid.UUID) (bool, error) {
	sub := authz.SubjectFrom(ctx)
	if sub.Anonymous() {
		return false, nil
	}
	if _, err := s.visible(ctx, s.pool, id, false); err != nil {
		return false, err
	}
	m, err := s.FollowedBy(ctx, sub.AccountID, []uuid.UUID{id})
	return m[id], err
}

// FollowedBy reports, in one query, which of ids accountID follows
// (dataloaders; the caller has already checked visibility).
func (s *Service) FollowedBy(ctx context.Context, accountID uuid.UUID, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	return follow.Following(ctx, s.pool, follow.Consultation, accountID, ids)
}
