package notify_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/consultation"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/events"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/notify"
)

// Every domain registers its kinds (budget and consultation here; their
// imports run the registration); each kind's messages, filled with exactly
// the data it declares, leave no placeholder and show every value.
func TestKinds_EveryRegisteredKindRendersWithItsDeclaredData(t *testing.T) {
	t.Parallel()
	svc, err := notify.New(nil, nil, notify.Config{PublicURL: "https://otwarty.example.org"}, nil)
	require.NoError(t, err)

	var names []string
	for _, k := range notify.Kinds() {
		names = append(names, k.Name)
	}
	require.Equal(t, slices.Sorted(slices.Values([]string{
		notify.KindWelcome, notify.KindPasswordChanged, notify.KindConfirmEmail, notify.KindPasswordReset, notify.KindInvitation,
		consultation.NoticeSubmissionReply, consultation.NoticeModerationDecision, consultation.NoticeModerationFlag,
		consultation.NoticeMeetingPromoted, consultation.NoticeMeetingReminder, consultation.NoticeMeetingMoved,
		consultation.NoticeConsultationOpened, consultation.NoticeMeetingCancelled, consultation.NoticeSubmissionAnswered,
		consultation.NoticeConsultationReport, consultation.NoticeReportReminder,
		budget.NoticeSessionPromoted, budget.NoticeSessionReminder, budget.NoticeSessionMoved, budget.NoticeSessionCancelled,
		budget.NoticeVotingOpened, budget.NoticeVotingClosing, budget.NoticeProjectConsent, budget.NoticeProjectVerified,
		budget.NoticeAppealDecided, budget.NoticeResultsReady,
		dialogue.NoticeAppointed, dialogue.NoticeTermEnding,
		dialogue.NoticeMeetingInvited, dialogue.NoticeMeetingReminder, dialogue.NoticeMeetingMoved,
		dialogue.NoticeMeetingCancelled, dialogue.NoticeMeetingPromoted,
		dialogue.NoticeVoteOpened, dialogue.NoticeVoteDecided,
		dialogue.NoticeMinutesOpen, dialogue.NoticeMinutesApproved,
		dialogue.NoticeOpinionRequested, dialogue.NoticeOpinionRequestWithdrawn, dialogue.NoticeOpinionGiven,
		dialogue.NoticeElectionNominating, dialogue.NoticeElectionBallotOpened, dialogue.NoticeElectionResult,
		dialogue.NoticeMeetingGuestInvited, dialogue.NoticeMeetingGuestWithdrawn,
		ambassador.NoticeConsentRequest, ambassador.NoticeNominationChecked,
		ambassador.NoticeAwardNominator, ambassador.NoticeAwardNominee, ambassador.NoticeAnnouncementHeld,
		events.NoticeApproved, events.NoticeRejected,
		ambassador.NoticeNominationDeclined, ambassador.NoticeScheduleChanged,
	})), names)

	for _, k := range notify.Kinds() {
		data := map[string]string{notify.DataLink: "https://otwarty.example.org/x"}
		var shown []string
		labelled := map[string]string{} // key → the key of the label shown
		for _, key := range k.Data {
			if prefix, coded := k.Labels[key]; coded {
				codes := notify.LabelCodes(prefix)
				require.NotEmpty(t, codes, "%s: no labels of %s", k.Name, key)
				data[key], labelled[key] = codes[0], prefix+codes[0] // a label stands for the code
				continue
			}
			data[key] = "«" + key + "»"
			shown = append(shown, data[key])
		}
		for _, l := range i18n.All {
			subject, body := svc.Preview(k.Name, l, data)
			require.NotContains(t, subject+body, "{", "%s/%s: a placeholder nothing fills", k.Name, l)
			for _, v := range shown {
				require.True(t, strings.Contains(subject+body, v), "%s/%s does not show %s", k.Name, l, v)
			}
			for key, labelKey := range labelled {
				require.Contains(t, body, i18n.T(l, labelKey, nil), "%s/%s shows the %s label", k.Name, l, key)
			}
			if strings.Contains(i18n.T(l, "notice."+k.Name+".body", nil), "{link}") {
				require.Contains(t, body, "https://otwarty.example.org/x", "%s/%s", k.Name, l)
			}
		}
	}
}

// Every notice message in the locale files belongs to a registered kind or
// to the catalog's frame: the guard of unused keys (internal/i18n) counts
// every "notice." key as used, since the code builds them from kind names.
func TestKinds_EveryNoticeMessageHasItsKind(t *testing.T) {
	t.Parallel()
	frame := map[string]bool{
		"notice.generic.subject": true, "notice.generic.body": true, "notice.digest.subject": true, "notice.digest.intro": true,
		"notice.frame.greeting": true, "notice.frame.greeting_named": true, "notice.frame.footer": true,
		"notice.line.role": true, "notice.line.inviter": true, "notice.line.expires": true,
	}
	registered := map[string]bool{}
	for _, k := range notify.Kinds() {
		registered["notice."+k.Name+".subject"], registered["notice."+k.Name+".body"] = true, true
	}
	var stray []string
	for _, key := range i18n.Keys() {
		if strings.HasPrefix(key, "notice.") && !frame[key] && !registered[key] {
			stray = append(stray, key)
		}
	}
	require.Empty(t, stray, "notice messages of no registered kind: delete them from every locales/*.toml")
}

func TestRegister_RefusesADuplicateAMissingMessageOrLabels(t *testing.T) {
	t.Parallel()
	require.PanicsWithValue(t, `notify: kind "welcome" registered twice or unnamed`,
		func() { notify.Register(notify.Kind{Name: notify.KindWelcome}) })
	require.PanicsWithValue(t, `notify: kind "test_no_message": notice.test_no_message.subject is not in every locale file`,
		func() { notify.Register(notify.Kind{Name: "test_no_message"}) })
	// The moderation reasons' labels exist, but not under this prefix.
	require.PanicsWithValue(t, `notify: kind "test_no_labels": no labels of reason under "label.moderation.reason."`, func() {
		notify.Register(notify.Kind{Name: "test_no_labels", Labels: map[string]string{"reason": "label.moderation.reason."}})
	})
}

func TestNotify_RefusesANoticeWithoutTheDataItsKindDeclares(t *testing.T) {
	t.Parallel()
	svc, err := notify.New(nil, nil, notify.Config{PublicURL: "https://otwarty.example.org"}, nil)
	require.NoError(t, err)
	// Refused before anything is written: no transaction is needed to see it.
	err = svc.Notify(context.Background(), nil, notify.Notice{AccountID: uuid.New(), Kind: budget.NoticeResultsReady,
		Data: map[string]string{"edition_id": uuid.NewString(), "computation": "1"}, DedupeKey: "k", InApp: true})
	require.EqualError(t, err, `notify: budget_results_ready notice without "year"`)
}
