package graph_test

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/notify"
)

// emailedToken waits for the e-mail of kind to address and returns the
// token of its one-time link, as the recipient would read it. Without SMTP
// (the harness) the outbox row is the delivery and keeps the link.
func emailedToken(t *testing.T, b *bundle, kind, address, path string) string {
	t.Helper()
	var link string
	require.Eventually(t, func() bool {
		err := b.pool.QueryRow(t.Context(), `select coalesce(data->>$3, '') from email_outbox where kind = $1 and to_address = $2
			order by created_at desc limit 1`, kind, address, notify.DataLink).Scan(&link)
		return err == nil && link != ""
	}, 30*time.Second, 50*time.Millisecond, kind+" to "+address)
	u, err := url.Parse(link)
	require.NoError(t, err)
	require.Equal(t, "otwarty.test", u.Host, link)
	if path != "" {
		require.Equal(t, path, u.Path, link)
	}
	return u.Query().Get("token")
}

// TestAmbassador_ConsentJuryAndGDPRThroughTheAPI: the nominee consents with
// the token of the e-mailed link; a juror invited by e-mail accepts and is
// a juror of that edition; the nominator's and the nominee's data export
// and erasure.
func TestAmbassador_ConsentJuryAndGDPRThroughTheAPI(t *testing.T) {
	t.Parallel()
	cf := newCallerFixture(t)
	b := cf.b
	f := &ambassadorFixture{callerFixture: cf, tokens: cf.tokens}
	edition, individuals := f.edition(t, 2025, false)
	nominator := b.signUp(t, "zglaszajacy.flow@example.org")
	b.confirm(t, "zglaszajacy.flow@example.org")
	nomineeTok := b.signUp(t, "nominowana.flow@example.org")
	b.confirm(t, "nominowana.flow@example.org")

	// Consent by the real e-mailed link, anonymous, once.
	nomination := f.nominate(t, nominator, edition, individuals, "nominowana.flow@example.org")
	token := emailedToken(t, b, ambassador.NoticeConsentRequest, "nominowana.flow@example.org", ambassador.PathConsent)
	require.NotEmpty(t, token)
	consent := `mutation($t: String!) { giveAmbassadorConsent(input: {token: $t}) { year category nomineeName } }`
	res := b.gql(t, consent, map[string]any{"t": token})
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"year": float64(2025), "category": "INDIVIDUAL", "nomineeName": "Kandydatka"},
		dig(res.Data, "giveAmbassadorConsent"))
	require.Equal(t, "NOT_FOUND", b.gql(t, consent, map[string]any{"t": token}).code())
	node := `query($n: ID!) { node(id: $n) { ... on AmbassadorNomination { status nominee { name } consent { by channel } } } }`
	res = b.gql(t, node, map[string]any{"n": nomination}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"by": "NOMINEE", "channel": "LINK"}, dig(res.Data, "node", "consent"))

	// The jury: invited by e-mail, the account accepting is a juror of this
	// edition (it sees the jury), and only of this one.
	res = b.gql(t, `mutation($e: ID!) { inviteAmbassadorJuror(input: {editionId: $e, email: "jurorka.flow@example.org"}) { invitation { id } } }`,
		map[string]any{"e": edition}, withToken(f.coord))
	require.Empty(t, res.Errors)
	invitation := emailedToken(t, b, notify.KindInvitation, "jurorka.flow@example.org", "")
	res = b.gql(t, `mutation($t: String!) { acceptInvitation(input: {token: $t, password: "correct horse battery",
		displayName: "Jurorka", locale: PL}) { token account { id } } }`, map[string]any{"t": invitation})
	require.Empty(t, res.Errors)
	juror := dig(res.Data, "acceptInvitation", "token").(string)
	jurorID := dig(res.Data, "acceptInvitation", "account", "id").(string)
	jury := `query($e: ID!) { ambassadorEdition(id: $e) { jurors { accountId displayName chair } } }`
	res = b.gql(t, jury, map[string]any{"e": edition}, withToken(juror))
	require.Empty(t, res.Errors)
	require.Equal(t, []any{map[string]any{"accountId": jurorID, "displayName": "Jurorka", "chair": false}},
		dig(res.Data, "ambassadorEdition", "jurors"))
	other, _ := f.edition(t, 2024, false)
	res = b.gql(t, jury, map[string]any{"e": other}, withToken(juror))
	require.Empty(t, res.Errors)
	require.Nil(t, dig(res.Data, "ambassadorEdition", "jurors"))
	res = b.gql(t, jury, map[string]any{"e": edition}, withToken(nominator))
	require.Empty(t, res.Errors)
	require.Nil(t, dig(res.Data, "ambassadorEdition", "jurors"))

	// GDPR: each exports their side of the nomination.
	export := func(token string) map[string]any {
		t.Helper()
		res := b.gql(t, `{ me { dataExport } }`, nil, withToken(token))
		require.Empty(t, res.Errors)
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(dig(res.Data, "me", "dataExport").(string)), &out))
		return dig(out, "domains", "ambassador").(map[string]any)
	}
	made := export(nominator)
	require.Len(t, made["nominationsMade"], 1)
	require.Equal(t, "Kandydatka", dig(made["nominationsMade"].([]any)[0], "nomineeName"))
	require.Empty(t, made["nominationsOfMe"])
	of := export(nomineeTok)
	require.Empty(t, of["nominationsMade"])
	require.Len(t, of["nominationsOfMe"], 1)
	require.NotNil(t, dig(of["nominationsOfMe"].([]any)[0], "consentAt"))

	// Erasure: the nominator's account goes, the nomination stays in the
	// running; the nominee's goes, and so does the nomination of them.
	erase := `mutation { deleteAccount(input: {password: "correct horse battery"}) { deletedAccountId } }`
	require.Empty(t, b.gql(t, erase, nil, withToken(nominator)).Errors)
	res = b.gql(t, node, map[string]any{"n": nomination}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, "SUBMITTED", dig(res.Data, "node", "status"))
	require.Empty(t, b.gql(t, erase, nil, withToken(nomineeTok)).Errors)
	res = b.gql(t, node, map[string]any{"n": nomination}, withToken(f.coord))
	require.Empty(t, res.Errors)
	require.Equal(t, "WITHDRAWN", dig(res.Data, "node", "status"))
	require.Equal(t, "(erased)", dig(res.Data, "node", "nominee", "name"))
}
