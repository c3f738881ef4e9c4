package events

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"golang.org/x/text/language"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

// Limits of an event's fields.
const (
	MaxTitleRunes         = 200
	MaxDescriptionRunes   = 5000
	MaxAccessibilityRunes = 2000
	MaxPlaceRunes         = 500
	MaxURLLen             = 2000
	MaxLanguages          = 10
	MaxReasonRunes        = 2000
	MaxDuration           = 366 * 24 * time.Hour
)

// Errors of events.
var (
	errOrganisation = apperr.Invalid("organisationId", "events.organisation_invalid")
	errNotSubmitted = apperr.New(apperr.Conflict, "events.not_submitted")
	errCancelled    = apperr.New(apperr.Conflict, "events.cancelled")
	errNotCancel    = apperr.New(apperr.Conflict, "events.not_cancellable")
	errReason       = apperr.Invalid("reason", "events.reason_required")
	errReasonLong   = apperr.Invalid("reason", "events.reason_too_long")
)

// Input is a new event. Title, Description and Accessibility are a text's
// versions: the first is the original, the others its translations (one per
// locale); Description and Accessibility may be empty.
type Input struct {
	OrganisationID uuid.UUID
	Title          []i18n.Input
	Description    []i18n.Input
	Accessibility  []i18n.Input
	Category       string
	StartsAt       time.Time
	EndsAt         time.Time
	AllDay         bool
	Place          string
	OnlineURL      string
	URL            string
	Languages      []string
}

// UpdateInput changes the fields that are set (nil: unchanged). An empty
// Description or Accessibility removes it; "" removes Place, OnlineURL, URL.
type UpdateInput struct {
	Title         []i18n.Input
	Description   []i18n.Input
	Accessibility []i18n.Input
	Category      *string
	StartsAt      *time.Time
	EndsAt        *time.Time
	AllDay        *bool
	Place         *string
	OnlineURL     *string
	URL           *string
	Languages     []string
}

// checkText trims a text's versions and checks them: the locales are the
// platform's and distinct, each version has text within max runes.
func checkText(field string, in []i18n.Input, requiredKey string, max int) ([]i18n.Input, error) {
	required := requiredKey != ""
	out := make([]i18n.Input, 0, len(in))
	seen := map[i18n.Locale]bool{}
	for _, v := range in {
		v.Text = strings.TrimSpace(strings.ReplaceAll(v.Text, "\r\n", "\n"))
		if v.Text == "" && len(in) == 1 {
			if required {
				return nil, apperr.Invalid(field, requiredKey)
			}
			return nil, nil
		}
		if v.Text == "" {
			return nil, apperr.Invalid(field, "events.text_required")
		}
		if !v.Locale.Valid() {
			return nil, apperr.Invalid(field, "text.locale_invalid")
		}
		if seen[v.Locale] {
			return nil, apperr.Invalid(field, "events.locale_repeated")
		}
		seen[v.Locale] = true
		if utf8.RuneCountInString(v.Text) > max {
			return nil, apperr.Invalid(field, "events.text_too_long").With(map[string]any{"max": max})
		}
		out = append(out, v)
	}
	if required && len(out) == 0 {
		return nil, apperr.Invalid(field, requiredKey)
	}
	return out, nil
}

func checkURL(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil || len(s) > MaxURLLen || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", apperr.Invalid(field, "events.url_invalid")
	}
	return s, nil
}

// CanonicalLanguage is tag in its canonical BCP 47 form, or false when it
// is not a well-formed tag.
func CanonicalLanguage(tag string) (string, bool) {
	tag = strings.TrimSpace(tag)
	if tag == "" || len(tag) > 35 {
		return "", false
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	return t.String(), true
}

func checkLanguages(tags []string) ([]string, error) {
	var out []string
	for _, t := range tags {
		if strings.TrimSpace(t) == "" {
			continue
		}
		c, ok := CanonicalLanguage(t)
		if !ok {
			return nil, apperr.Invalid("languages", "events.language_invalid").With(map[string]any{"tag": strings.TrimSpace(t)})
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, apperr.Invalid("languages", "events.languages_required")
	}
	if len(out) > MaxLanguages {
		return nil, apperr.Invalid("languages", "events.languages_too_many").With(map[string]any{"max": MaxLanguages})
	}
	return out, nil
}

// wholeDays turns an all-day event's start and end into midnight of its
// first day and midnight after its last, in Warsaw. An end that is already
// a Warsaw midnight after the start is that exclusive end.
func wholeDays(start, end time.Time) (time.Time, time.Time) {
	s := start.In(i18n.Warsaw)
	first := time.Date(s.Year(), s.Month(), s.Day(), 0, 0, 0, 0, i18n.Warsaw)
	e := end.In(i18n.Warsaw)
	last := time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, i18n.Warsaw)
	if !last.Equal(e) || !last.After(first) {
		last = last.AddDate(0, 0, 1)
	}
	return first, last
}

// check normalises in and returns every field's error at once.
func (in *Input) check() error {
	var errs []error
	var err error
	if in.Title, err = checkText("title", in.Title, "events.title_required", MaxTitleRunes); err != nil {
		errs = append(errs, err)
	}
	if in.Description, err = checkText("description", in.Description, "", MaxDescriptionRunes); err != nil {
		errs = append(errs, err)
	}
	if in.Accessibility, err = checkText("accessibility", in.Accessibility, "", MaxAccessibilityRunes); err != nil {
		errs = append(errs, err)
	}
	if !slices.Contains(Categories, in.Category) {
		errs = append(errs, apperr.Invalid("category", "events.category_invalid"))
	}
	switch {
	case in.StartsAt.IsZero():
		errs = append(errs, apperr.Invalid("startsAt", "events.starts_required"))
	case in.StartsAt.Year() < 2000 || in.StartsAt.Year() > 2200:
		errs = append(errs, apperr.Invalid("startsAt", "events.starts_out_of_range"))
	case in.EndsAt.IsZero() && !in.AllDay:
		errs = append(errs, apperr.Invalid("endsAt", "events.ends_required"))
	default:
		if in.AllDay {
			if in.EndsAt.IsZero() {
				in.EndsAt = in.StartsAt
			}
			in.StartsAt, in.EndsAt = wholeDays(in.StartsAt, in.EndsAt)
		}
		if !in.EndsAt.After(in.StartsAt) {
			errs = append(errs, apperr.Invalid("endsAt", "events.ends_before_start"))
		} else if in.EndsAt.Sub(in.StartsAt) > MaxDuration {
			errs = append(errs, apperr.Invalid("endsAt", "events.too_long"))
		}
	}
	in.Place = strings.TrimSpace(in.Place)
	if utf8.RuneCountInString(in.Place) > MaxPlaceRunes {
		errs = append(errs, apperr.Invalid("place", "events.place_too_long"))
	}
	if in.OnlineURL, err = checkURL("onlineUrl", in.OnlineURL); err != nil {
		errs = append(errs, err)
	} else if in.Place == "" && in.OnlineURL == "" {
		errs = append(errs, apperr.Invalid("place", "events.place_required"))
	}
	if in.URL, err = checkURL("url", in.URL); err != nil {
		errs = append(errs, err)
	}
	if in.Languages, err = checkLanguages(in.Languages); err != nil {
		errs = append(errs, err)
	}
	return apperr.Fields(errs...)
}

// merge applies u to the event's current values as an Input, keeping the
// current texts where u leaves them (nil).
func (u UpdateInput) merge(e *Event) Input {
	in := Input{OrganisationID: e.OrganisationID, Title: u.Title, Description: u.Description, Accessibility: u.Accessibility,
		Category: e.Category, StartsAt: e.StartsAt, EndsAt: e.EndsAt, AllDay: e.AllDay, Place: e.Place, OnlineURL: e.OnlineURL,
		URL: e.URL, Languages: e.Languages}
	if u.Category != nil {
		in.Category = *u.Category
	}
	if u.StartsAt != nil {
		in.StartsAt = *u.StartsAt
	}
	if u.EndsAt != nil {
		in.EndsAt = *u.EndsAt
	}
	if u.AllDay != nil {
		in.AllDay = *u.AllDay
	}
	if u.Place != nil {
		in.Place = *u.Place
	}
	if u.OnlineURL != nil {
		in.OnlineURL = *u.OnlineURL
	}
	if u.URL != nil {
		in.URL = *u.URL
	}
	if u.Languages != nil {
		in.Languages = u.Languages
	}
	return in
}

// Check is the input's validation alone, every field's error at once (a
// form that found errors of its own shows the service's with them).
func (s *Service) Check(in Input) error { return in.check() }
