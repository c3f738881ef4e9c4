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
		labelled := map[string]string{} // key → code
		for _, key := range k.Data {
			if labels, coded := k.Labels[key]; coded {
				for code := range labels {
					data[key], labelled[key] = code, code // a label stands for the code
					break
				}
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
			for key, code := range labelled {
				label := k.Labels[key][code][l]
				require.NotEmpty(t, label, "%s: no %s label for %s in %s", k.Name, key, code, l)
				require.Contains(t, body, label, "%s/%s shows the %s label", k.Name, l, key)
			}
			if strings.Contains(k.Messages[l].Body, "{link}") {
				require.Contains(t, body, "https://otwarty.example.org/x", "%s/%s", k.Name, l)
			}
		}
	}
}

func TestRegister_RefusesADuplicateOrAMissingLocale(t *testing.T) {
	t.Parallel()
	require.Panics(t, func() { notify.Register(notify.Kind{Name: notify.KindWelcome}) })
	require.Panics(t, func() {
		notify.Register(notify.Kind{Name: "test_only_polish", Messages: map[i18n.Locale]notify.Message{
			i18n.PL: {Subject: "Temat", Body: "Treść"}}})
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
