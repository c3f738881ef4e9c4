package ambassador_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
)

// TestEditEntry_StaffCorrectTheirEntriesOnly: staff correct a nomination
// they entered until the check's end (audited; a changed nominee loses the
// consent and gets a new link); a nomination made online is its
// nominator's; a resident cannot.
func TestEditEntry_StaffCorrectTheirEntriesOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nominator, _ := b.account(t, "nominator", "pl")
	online, err := b.svc.Nominate(b.as(nominator), b.person("Jan", "jan@x.test"))
	require.NoError(t, err)
	entered, err := b.svc.EnterNomination(b.coordinator, ambassador.EntryInput{NominationInput: b.person("Olena Kowalczuk", "olena@x.test"),
		Channel: ambassador.ChannelPaper, ReceivedAt: b.start, NominatorName: "Maria Nowak", ScanRef: "A/1"})
	require.NoError(t, err)
	_, err = b.svc.RecordConsent(b.coordinator, entered.ID, "zgoda/1")
	require.NoError(t, err)

	name, post := "Maria Nowakowa", ambassador.ChannelPost
	received := b.start.Add(-30 * time.Minute)
	n, err := b.svc.EditEntry(b.coordinator, entered.ID, ambassador.EntryEditInput{NominatorName: &name, Channel: &post,
		ReceivedAt: &received})
	require.NoError(t, err)
	require.Equal(t, "Maria Nowakowa", n.NominatorName)
	require.Equal(t, ambassador.ChannelPost, n.Channel)
	require.True(t, received.Equal(n.ReceivedAt))
	require.NotNil(t, n.ConsentAt, "the nominee did not change: the consent stays")
	require.Equal(t, "A/1", n.ScanRef)

	nominee := ambassador.NomineeInput{Name: "Olena Kovalchuk", Email: "olena.k@x.test"}
	n, err = b.svc.EditEntry(b.coordinator, entered.ID, ambassador.EntryEditInput{EditInput: ambassador.EditInput{Nominee: &nominee}})
	require.NoError(t, err)
	require.Equal(t, "Olena Kovalchuk", n.Nominee.Name)
	require.Nil(t, n.ConsentAt, "a changed nominee consents anew")
	require.Equal(t, 1, b.notices(t, ambassador.NoticeConsentRequest, [16]byte{}, "olena.k@x.test"))
	var changes []string
	rows, err := b.pool.Query(b.ctx, `select data->>'changed' from audit_log where action = 'ambassador.nomination_entry_edit'
		and object_id = $1 and actor_id = $2 order by id`, entered.ID.String(), b.coordID)
	require.NoError(t, err)
	for rows.Next() {
		var c string
		require.NoError(t, rows.Scan(&c))
		changes = append(changes, c)
	}
	require.NoError(t, rows.Err())
	require.ElementsMatch(t, []string{`["channel", "received_at", "nominator_name"]`, `["nominee"]`}, changes)

	// Bad input is refused, nothing written.
	late := b.edition.Schedule.NominationsClose
	_, err = b.svc.EditEntry(b.coordinator, entered.ID, ambassador.EntryEditInput{ReceivedAt: &late})
	requireCode(t, err, apperr.InvalidInput, "ambassador.received_future")
	online2 := ambassador.ChannelOnline
	_, err = b.svc.EditEntry(b.coordinator, entered.ID, ambassador.EntryEditInput{Channel: &online2})
	requireCode(t, err, apperr.InvalidInput, "ambassador.channel_invalid")
	empty := " "
	_, err = b.svc.EditEntry(b.coordinator, entered.ID, ambassador.EntryEditInput{NominatorName: &empty})
	requireCode(t, err, apperr.InvalidInput, "ambassador.nominator_name_required")

	// Online nominations are their nominator's; residents edit no entry.
	_, err = b.svc.EditEntry(b.coordinator, online.ID, ambassador.EntryEditInput{NominatorName: &name})
	requireCode(t, err, apperr.Forbidden, "ambassador.online_edited_by_nominator")
	_, err = b.svc.EditEntry(b.as(nominator), entered.ID, ambassador.EntryEditInput{NominatorName: &name})
	require.ErrorIs(t, err, apperr.ErrNotFound)

	// During the check still; at its end no more.
	b.clock.Set(b.edition.Schedule.NominationsClose.Add(time.Hour))
	_, err = b.svc.EditEntry(b.coordinator, entered.ID, ambassador.EntryEditInput{ReceivedAt: &late})
	requireCode(t, err, apperr.PhaseClosed, "ambassador.received_outside_nominations")
	_, err = b.svc.EditEntry(b.coordinator, entered.ID, ambassador.EntryEditInput{NominatorName: &name})
	require.NoError(t, err)
	b.clock.Set(b.edition.Schedule.CheckClose)
	_, err = b.svc.EditEntry(b.coordinator, entered.ID, ambassador.EntryEditInput{NominatorName: &name})
	requireCode(t, err, apperr.PhaseClosed, "ambassador.entry_closed")
}
