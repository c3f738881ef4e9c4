package replay

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRun_RefusesBadOptions(t *testing.T) {
	t.Parallel()
	ok := Options{URL: "http://127.0.0.1:1/query", Concurrency: 8, Token: "x", Batch: 1000, Files: []string{"a.pb"}}
	for _, tc := range []struct {
		change func(o *Options)
		want   string
	}{
		{func(o *Options) { o.Files = nil }, "no FILE.pb given\nusage: otwarty pb replay --url URL"},
		{func(o *Options) { o.Concurrency = 0 }, "--concurrency must be at least 1"},
		{func(o *Options) { o.Batch = 1001 }, "--batch must be 1 to 1000"},
		{func(o *Options) { o.Batch = 0 }, "--batch must be 1 to 1000"},
		{func(o *Options) { o.Token, o.Email = "", "a@b.c" }, "sign in as an official: --token, or --email and --password"},
	} {
		o := ok
		tc.change(&o)
		var stdout, stderr bytes.Buffer
		_, err := Run(t.Context(), o, &stdout, &stderr)
		require.ErrorContains(t, err, tc.want)
		require.Empty(t, stdout.String())
		require.Empty(t, stderr.String())
	}
}
