package notify

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/otwarty/otwarty/internal/i18n"
)

// Kind is one kind of notice, registered by the domain that sends it. Its
// e-mail is in the locale files (internal/i18n/locales), a subject and a
// body under "notice.<Name>.subject" and "notice.<Name>.body" (Polish is
// binding). {placeholders} are filled (i18n.Fill) from the notice's data
// ({display_name}, ...) and by the renderer ({link}, {role},
// {expires_line}, {inviter_line}, {public_url}, {reset_url},
// {settings_url}); one nothing fills stays as it is.
type Kind struct {
	Name string
	// Data are the keys every notice of the kind carries in Notice.Data,
	// for its placeholders.
	Data []string
	// Labels name coded data values in e-mails: data key → the prefix of
	// their labels' keys in the locale files, ending in "." (a moderation
	// reason "offensive" under "label.moderation." reads "treść
	// obraźliwa"...). A code without a label shows as it is.
	Labels map[string]string
}

// kinds are the registered kinds of notice, by name. Domains register
// theirs when their package is initialised.
var kinds = map[string]Kind{}

// subjectKey and bodyKey are the keys of a kind's e-mail. The literal
// "notice." prefix is what the unused-key guard of internal/i18n sees;
// kinds_test checks that every notice.* key has its registered kind.
func subjectKey(kind string) string { return "notice." + kind + ".subject" }
func bodyKey(kind string) string    { return "notice." + kind + ".body" }

// Register adds a kind of notice. A duplicate name, a message missing in a
// locale or a label prefix no message has is a programming error and panics
// at start-up.
func Register(k Kind) {
	if _, dup := kinds[k.Name]; dup || k.Name == "" {
		panic(fmt.Sprintf("notify: kind %q registered twice or unnamed", k.Name))
	}
	for key, prefix := range k.Labels {
		if !strings.HasSuffix(prefix, ".") || len(LabelCodes(prefix)) == 0 {
			panic(fmt.Sprintf("notify: kind %q: no labels of %s under %q", k.Name, key, prefix))
		}
	}
	for _, key := range []string{subjectKey(k.Name), bodyKey(k.Name)} {
		if !i18n.Has(key) {
			panic(fmt.Sprintf("notify: kind %q: %s is not in every locale file", k.Name, key))
		}
	}
	kinds[k.Name] = k
}

// LabelCodes are the codes that have a label under prefix, sorted.
func LabelCodes(prefix string) []string {
	var codes []string
	for _, key := range i18n.Keys() {
		if code, ok := strings.CutPrefix(key, prefix); ok && code != "" && !strings.Contains(code, ".") {
			codes = append(codes, code)
		}
	}
	return codes
}

// Kinds are the registered kinds, by name.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Kind) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// The notices of accounts themselves.
func init() {
	for _, name := range []string{KindWelcome, KindPasswordChanged, KindConfirmEmail, KindPasswordReset, KindInvitation} {
		Register(Kind{Name: name})
	}
}

// accountRole is the prefix of the account roles' names (an invitation's
// {role}).
const accountRole = "label.account.role."

// Paths of the catalog's own links, under Config.PublicURL; the web front
// end serves them. Links with tokens come ready-made in secret_link.
const (
	PathNotifications = "/notifications"
	PathSettings      = "/settings/notifications"
	PathResetRequest  = "/reset-password"
)

// redactedMark replaces secret values in a sent message.
const redactedMark = "[redacted]"

// Title is the one-line text of a notification kind in locale, for in-app
// lists and digests; "" for a kind without its own message.
func Title(kind string, locale i18n.Locale) string {
	if !locale.Valid() {
		locale = i18n.Default
	}
	if _, ok := kinds[kind]; !ok {
		return ""
	}
	return i18n.T(locale, subjectKey(kind), nil)
}

// render returns the subject and body of a notice's e-mail in locale. It is
// deterministic, so that a sent message can be rendered again with its
// secrets replaced by redactedMark.
func (s *Service) render(kind string, locale i18n.Locale, data map[string]string) (subject, body string) {
	k, ok := kinds[kind]
	subjectKey, bodyKey := subjectKey(kind), bodyKey(kind)
	if !ok {
		subjectKey, bodyKey = "notice.generic.subject", "notice.generic.body"
	}
	vars := s.vars(locale, data)
	vars["link"] = s.public + PathNotifications
	if l := data[DataLink]; l != "" {
		vars["link"] = l
	}
	vars["role"], vars["inviter_line"], vars["expires_line"] = "", "", ""
	if r := data[DataRole]; r != "" {
		name := r
		if i18n.Has(accountRole + r) {
			name = i18n.T(locale, accountRole+r, nil)
		}
		vars["role"] = i18n.T(locale, "notice.line.role", map[string]any{"role": name})
	}
	for key, prefix := range k.Labels {
		if code := data[key]; code != "" && i18n.Has(prefix+code) {
			vars[key] = i18n.T(locale, prefix+code, nil)
		}
	}
	if by := data[DataInviter]; by != "" {
		vars["inviter_line"] = "\n\n" + i18n.T(locale, "notice.line.inviter", map[string]any{"inviter": by})
	}
	if t, err := time.Parse(time.RFC3339, data[DataExpiresAt]); err == nil {
		vars["expires_line"] = "\n" + i18n.T(locale, "notice.line.expires", map[string]any{"until": t.In(s.zone).Format("2006-01-02 15:04")})
	}
	return i18n.Fill(i18n.T(locale, subjectKey, nil), vars), s.frame(locale, data, i18n.Fill(i18n.T(locale, bodyKey, nil), vars))
}

// Preview is a notice's e-mail as render writes it (tests of the domains'
// kinds; a preview for staff).
func (s *Service) Preview(kind string, locale i18n.Locale, data map[string]string) (subject, body string) {
	return s.render(kind, locale, data)
}

// renderDigest returns the subject and body of a digest of items: the
// subject counts them ("3 nowe powiadomienia", "5 nowych powiadomień").
func (s *Service) renderDigest(locale i18n.Locale, data map[string]string, items []DigestItem) (subject, body string) {
	const maxListed = 50
	vars := s.vars(locale, data)
	var b strings.Builder
	b.WriteString(i18n.Fill(i18n.T(locale, "notice.digest.intro", nil), vars))
	b.WriteString("\n\n")
	for i, it := range items {
		if i == maxListed {
			fmt.Fprintf(&b, "… (+%d)\n", len(items)-maxListed)
			break
		}
		title := Title(it.Kind, locale)
		if title == "" {
			title = i18n.T(locale, "notice.generic.subject", nil)
		}
		fmt.Fprintf(&b, "- %s  %s\n", it.CreatedAt.In(s.zone).Format("2006-01-02 15:04"), title)
	}
	b.WriteString("\n" + s.public + PathNotifications)
	return i18n.N(locale, "notice.digest.subject", len(items), nil), s.frame(locale, data, b.String())
}

// frame adds the greeting and the footer.
func (s *Service) frame(locale i18n.Locale, data map[string]string, text string) string {
	greeting := "notice.frame.greeting"
	if data[DataName] != "" {
		greeting = "notice.frame.greeting_named"
	}
	vars := s.vars(locale, data)
	return i18n.Fill(i18n.T(locale, greeting, nil), vars) + "\n\n" + text + "\n\n-- \n" +
		i18n.Fill(i18n.T(locale, "notice.frame.footer", nil), vars) + "\n"
}

func (s *Service) vars(locale i18n.Locale, data map[string]string) map[string]string {
	v := map[string]string{
		"public_url":   s.public + "/",
		"reset_url":    s.public + PathResetRequest,
		"settings_url": s.public + PathSettings,
	}
	for k, val := range data {
		if !strings.HasPrefix(k, SecretPrefix) {
			v[k] = val
		}
	}
	return v
}

// redact returns data with every secret value replaced by redactedMark.
func redact(data map[string]string) (map[string]string, bool) {
	out := make(map[string]string, len(data))
	changed := false
	for k, v := range data {
		if strings.HasPrefix(k, SecretPrefix) {
			v, changed = redactedMark, true
		}
		out[k] = v
	}
	return out, changed
}
