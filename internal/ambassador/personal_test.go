package ambassador_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/db"
)

// A nominator's export lists what they nominated; a nominee's (matched by
// their account's e-mail) what they were nominated in. Erasing the nominator
// keeps the nomination without them; erasing the nominee withdraws an
// unchecked nomination and leaves nothing naming them.
func TestPersonalData_ExportAndEraseNominatorAndNominee(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nominator, _ := b.account(t, "nominator", "pl")
	nominee, nomineeEmail := b.account(t, "nominee", "en")
	n, err := b.svc.Nominate(b.as(nominator), b.person("Nominee Person", nomineeEmail))
	require.NoError(t, err)
	pd := b.svc.PersonalData()

	export := func(account [16]byte) map[string][]map[string]any {
		var out map[string][]map[string]any
		require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error {
			v, err := pd.Export(b.ctx, tx, account)
			if err != nil {
				return err
			}
			raw, _ := json.Marshal(v)
			return json.Unmarshal(raw, &out)
		}))
		return out
	}
	got := export(nominator)
	require.Len(t, got["nominationsMade"], 1)
	require.Equal(t, n.ID.String(), got["nominationsMade"][0]["nominationId"])
	require.Empty(t, got["nominationsOfMe"])
	got = export(nominee)
	require.Empty(t, got["nominationsMade"])
	require.Len(t, got["nominationsOfMe"], 1)
	require.Equal(t, "Nominee Person", got["nominationsOfMe"][0]["nomineeName"])

	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error { return pd.Erase(b.ctx, tx, nominator) }))
	left, err := b.svc.Nomination(b.coordinator, n.ID)
	require.NoError(t, err)
	require.Nil(t, left.NominatorID)
	require.Equal(t, ambassador.NominationSubmitted, left.Status)

	require.NoError(t, db.InTx(b.ctx, b.pool, func(tx *db.Tx) error { return pd.Erase(b.ctx, tx, nominee) }))
	left, err = b.svc.Nomination(b.coordinator, n.ID)
	require.NoError(t, err)
	require.Equal(t, ambassador.NominationWithdrawn, left.Status)
	require.Equal(t, "(erased)", left.Nominee.Name)
	require.Empty(t, left.Nominee.Email)
	var live int
	require.NoError(t, b.pool.QueryRow(b.ctx, `select count(*) from ambassador_consent_tokens where nomination_id = $1
		and used_at is null and revoked_at is null`, n.ID).Scan(&live))
	require.Zero(t, live)
	require.Empty(t, export(nominee)["nominationsOfMe"])
}
