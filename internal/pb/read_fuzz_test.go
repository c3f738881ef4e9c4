package pb_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/pb"
)

// FuzzRead: any input is either refused with an error naming a line, or
// read into an instance that writes back and reads again equal.
func FuzzRead(f *testing.F) {
	if data, err := os.ReadFile("../../../shared/data/pabulib/Poland_Krakow_2024_Bienczyce.pb"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("META\nkey;value\nnum_projects;1\nnum_votes;1\nbudget;100\nvote_type;approval\n" +
		"PROJECTS\nproject_id;cost;votes\n1;50;1\nVOTES\nvoter_id;vote\nv1;1\n"))
	f.Add([]byte("META\r\nkey;value\r\nbudget;\"1\"\"00\"\r\n"))
	f.Add([]byte("PROJECTS\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := pb.Read(bytes.NewReader(data))
		if err != nil {
			var pe *pb.ParseError
			require.True(t, errors.As(err, &pe), "an error without a line: %v", err)
			require.Positive(t, pe.Line, "%v", err)
			return
		}
		var out bytes.Buffer
		require.NoError(t, pb.Write(&out, in))
		again, err := pb.Read(bytes.NewReader(out.Bytes()))
		require.NoError(t, err, "written:\n%s", out.String())
		require.Equal(t, in, again)
	})
}
