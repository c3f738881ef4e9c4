package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/otwarty/otwarty/graph"
)

// testAttachMaxBytes is the harness's largest attachment (three per owner).
const testAttachMaxBytes = 4096

// Small real files (their first bytes are what counts).
var (
	testPDF = []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n")
	testPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	testEXE = []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00")
)

// upload posts one operation as a GraphQL multipart request
// (graphql-multipart-request-spec) whose variable $file is the file.
func (b *bundle) upload(t *testing.T, query string, vars map[string]any, name string, data []byte, opts ...reqOpt) gqlResponse {
	t.Helper()
	v := map[string]any{"file": nil}
	for k, x := range vars {
		v[k] = x
	}
	return b.uploadAt(t, query, v, "variables.file", name, data, opts...)
}

// uploadAt is upload with the file at path (e.g. variables.input.file),
// where vars holds null.
func (b *bundle) uploadAt(t *testing.T, query string, vars map[string]any, path, name string, data []byte, opts ...reqOpt) gqlResponse {
	t.Helper()
	ops, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("operations", string(ops)))
	paths, err := json.Marshal(map[string][]string{"0": {path}})
	require.NoError(t, err)
	require.NoError(t, mw.WriteField("map", string(paths)))
	fw, err := mw.CreateFormFile("0", name)
	require.NoError(t, err)
	_, err = fw.Write(data)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return b.raw(t, mw.FormDataContentType(), body.Bytes(), opts...)
}

// downloads serves GET /attachments/{id} as otwarty serve does.
func (b *bundle) downloads(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET "+graph.PathAttachments+"{attachmentId}", b.resolver.AttachmentHandler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// takesUpload reports whether an input type holds an Upload directly.
func takesUpload(s *ast.Schema, t *ast.Type) bool {
	def := s.Types[t.NamedType]
	if def == nil || def.Kind != ast.InputObject {
		return false
	}
	for _, f := range def.Fields {
		if f.Type.NamedType == "Upload" {
			return true
		}
	}
	return false
}

type download struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, srv *httptest.Server, path, token string) download {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return download{status: resp.StatusCode, header: resp.Header, body: body}
}

func TestAttachmentLimits_AreReadable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	res := b.gql(t, `{ attachmentLimits { maxBytes maxFiles contentTypes } }`, nil)
	require.Empty(t, res.Errors)
	require.Equal(t, map[string]any{"maxBytes": float64(testAttachMaxBytes), "maxFiles": float64(3), "contentTypes": []any{
		"application/pdf", "image/jpeg", "image/png", "image/webp", "application/vnd.oasis.opendocument.text",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}}, dig(res.Data, "attachmentLimits"))
}
