package graph_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// Text that is not Unicode anywhere in a request is refused whole, before
// anything runs, rather than decoded into U+FFFD and stored.
func TestRequest_RefusesTextThatIsNotUnicode(t *testing.T) {
	t.Parallel()
	b := setup(t)
	signUp := `mutation($in: SignUpInput!) { signUp(input: $in) { token } }`
	refused := gqlResponse{Status: http.StatusBadRequest, Errors: []gqlError{{
		Message:    "The request contains text that is not valid Unicode (UTF-8).",
		Extensions: map[string]any{"code": "INVALID_INPUT"},
	}}}
	for name, body := range map[string]string{
		"variable bytes":     `{"query":"` + signUp + `","variables":{"in":{"email":"a@example.org","password":"correct horse battery","displayName":"Ala ` + "\xff" + `","locale":"EN"}}}`,
		"variable surrogate": `{"query":"` + signUp + `","variables":{"in":{"email":"a@example.org","password":"correct horse battery","displayName":"Ala \udc00","locale":"EN"}}}`,
		"query bytes":        `{"query":"mutation { signUp(input: {email: \"a@example.org\", password: \"correct horse battery\", displayName: \"Ala ` + "\xc3\x28" + `\", locale: EN}) { token } }"}`,
		"operation name":     `{"query":"` + signUp + `","operationName":"` + "\xfe" + `"}`,
	} {
		res := b.raw(t, "application/json", []byte(body), withLanguage("en"))
		require.Equal(t, refused, res, name)
	}
	// An upload (a GraphQL multipart request): its "operations" and "map"
	// fields are JSON like a body.
	for name, fields := range map[string][2]string{
		"upload operations": {`{"query":"` + signUp + `","variables":{"in":{"email":"a@example.org","password":"correct horse battery","displayName":"Ala ` + "\xff" + `","locale":"EN"}}}`, `{}`},
		"upload map":        {`{"query":"` + signUp + `","variables":{"in":{"email":"a@example.org","password":"correct horse battery","displayName":"Ala","locale":"EN"}}}`, `{"0":["variables.` + "\xc3\x28" + `"]}`},
		"upload surrogate":  {`{"query":"` + signUp + `","variables":{"in":{"email":"a@example.org","password":"correct horse battery","displayName":"Ala \udc00","locale":"EN"}}}`, `{}`},
	} {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		require.NoError(t, mw.WriteField("operations", fields[0]))
		require.NoError(t, mw.WriteField("map", fields[1]))
		fw, err := mw.CreateFormFile("0", "a.txt")
		require.NoError(t, err)
		_, err = fw.Write([]byte("plik"))
		require.NoError(t, err)
		require.NoError(t, mw.Close())
		res := b.raw(t, mw.FormDataContentType(), body.Bytes(), withLanguage("en"))
		require.Equal(t, refused, res, name)
	}
	var accounts int
	require.NoError(t, b.pool.QueryRow(context.Background(), `select count(*) from accounts`).Scan(&accounts))
	require.Zero(t, accounts, "nothing was executed")

	// A surrogate pair is a character like any other.
	res := b.raw(t, "application/json", []byte(`{"query":"`+signUp+`","variables":{"in":{"email":"a@example.org","password":"correct horse battery","displayName":"Ala \ud83d\ude00","locale":"EN"}}}`))
	require.Empty(t, res.Errors)
	var name string
	require.NoError(t, b.pool.QueryRow(context.Background(), `select display_name from accounts`).Scan(&name))
	require.Equal(t, "Ala 😀", name)

	// GET: the parameters are checked alike.
	resp, err := http.Get(b.url + `?query=%7B__typename%7D&variables=%7B%22a%22%3A%22%FF%22%7D`)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, `{"errors":[{"extensions":{"code":"INVALID_INPUT"},"message":"Żądanie zawiera tekst, który nie jest poprawnym Unicode (UTF-8)."}]}`+"\n", string(data))
}
