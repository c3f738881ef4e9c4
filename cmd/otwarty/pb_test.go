package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb/pbtest"
)

func tally(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := pbTally(args, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func TestPBTally_StareMiastoPrintsOfficialWinners(t *testing.T) {
	t.Parallel()
	file := pbtest.File(t, "Poland_Krakow_2024_Stare_Miasto.pb")
	want := `BO.D1.3/24
BO.D1.24/24
BO.D1.27/24
BO.D1.5/24
BO.D1.25/24
selected 5 projects, cost 1545000.00 of budget 1546168.66
`
	out, errOut, err := tally(t, file)
	require.NoError(t, err)
	require.Equal(t, want, out)
	require.Empty(t, errOut)

	// The same with every setting spelled out, flags after the file.
	out, _, err = tally(t, "--rule", "greedy", file, "--points", "3,2,1", "--tie", "id")
	require.NoError(t, err)
	require.Equal(t, want, out)
}

func TestPBTally_StareMiastoWithoutSkipStopsAtFirstMisfit(t *testing.T) {
	t.Parallel()
	file := pbtest.File(t, "Poland_Krakow_2024_Stare_Miasto.pb")
	out, _, err := tally(t, "--rule", "greedy-noskip", file)
	require.NoError(t, err)
	require.Equal(t, `BO.D1.3/24
BO.D1.24/24
BO.D1.27/24
BO.D1.5/24
selected 4 projects, cost 1480000.00 of budget 1546168.66
`, out)
}

func TestPBTally_WieliczkaMES(t *testing.T) {
	t.Parallel()
	file := pbtest.File(t, "Poland_Wieliczka_2023_Green_Budget.pb")
	out, _, err := tally(t, "--rule", "mes", file)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 22)
	require.Equal(t, "selected 21 projects, cost 450548.00 of budget 1000000.00", lines[21])

	// Plain MES spends less than half the budget; with the comparison step
	// more voters prefer the greedy outcome, so the greedy one is printed.
	// (The official rule, mes-add1 with comparison, is pb's golden test.)
	compared, _, err := tally(t, "--rule", "mes", "--compare-greedy", file)
	require.NoError(t, err)
	greedy, _, err := tally(t, file)
	require.NoError(t, err)
	require.Equal(t, greedy, compared)
	require.True(t, strings.HasSuffix(compared, "\nselected 23 projects, cost 998997.00 of budget 1000000.00\n"), compared)
}

func TestPBTally_RefusesBadArguments(t *testing.T) {
	t.Parallel()
	file := pbtest.File(t, "Poland_Krakow_2024_Stare_Miasto.pb")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--rule", "borda", file}, `unknown --rule "borda"`},
		{[]string{"--compare-greedy", file}, "--compare-greedy applies to the mes rules only"},
		{[]string{"--rule", "mes", "--points", "1", file}, "--points applies to the greedy rules only"},
		{[]string{"--points", "3,x", file}, `--points "3,x": "x" is not a non-negative integer`},
		{[]string{"--tie", "coin", file}, `unknown --tie "coin"`},
		{[]string{}, "want exactly one FILE.pb, got 0"},
		{[]string{file, file}, "want exactly one FILE.pb, got 2"},
	} {
		out, _, err := tally(t, tc.args...)
		require.ErrorContains(t, err, tc.want, "%q", tc.args)
		require.Empty(t, out)
	}
}

func TestPBTally_MalformedFileNamesTheLine(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.pb")
	require.NoError(t, os.WriteFile(path, []byte("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\nA;12,5\nVOTES\nvoter_id;vote\n"), 0o600))
	_, _, err := tally(t, path)
	require.EqualError(t, err, path+`: line 6: cost "12,5" is not a number (want digits with at most 2 decimals, e.g. 1546168.66)`)
}

func TestRunPB_WantsTallySubcommand(t *testing.T) {
	t.Parallel()
	require.ErrorContains(t, runPB(t.Context(), []string{"count"}), "usage: otwarty pb tally")
}

// pb synth writes a file that pb tally counts: here a small instance, with
// Equal Shares, add1 and the comparison step.
func TestPBSynth_WritesACountableElection(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "synth.pb")
	var stderr bytes.Buffer
	require.NoError(t, pbSynth([]string{"--voters", "500", "--projects", "12", "--districts", "3", "--seed", "7", file}, &stderr))
	require.Empty(t, stderr.String())
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Contains(t, string(data), "num_votes;500\n")

	out, errOut, err := tally(t, "--rule", "mes-add1", "--compare-greedy", file)
	require.NoError(t, err)
	require.Empty(t, errOut)
	require.Equal(t, "P001\nP005\nP006\nselected 3 projects, cost 858758.00 of budget 880990.00\n", out)

	require.ErrorContains(t, pbSynth(nil, &stderr), "usage: otwarty pb synth")
}
