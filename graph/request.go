package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/jsonutf8"
)

// checkText refuses a request whose JSON body (POST) or parameters (GET)
// are not Unicode text — invalid UTF-8 bytes, or a lone surrogate escape —
// with 400 and INVALID_INPUT, as a body that is not JSON is refused, before
// anything runs. The JSON decoder would otherwise replace them with U+FFFD
// and store a text other than the one sent.
func checkText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case websocketUpgrade(req):
			// Subscribe payloads are checked by the WebSocket transport.
		case req.Method == http.MethodGet:
			for _, vs := range req.URL.Query() {
				for _, v := range vs {
					if jsonutf8.CheckString(v) != nil {
						writeRequestError(w, req, http.StatusBadRequest, "error.invalid_text")
						return
					}
				}
			}
		case req.Method == http.MethodPost:
			if rb, ok := req.Body.(*readBody); ok {
				// Read by limitBody, within the limit, and known to be JSON.
				if jsonutf8.Check(rb.data) != nil {
					writeRequestError(w, req, http.StatusBadRequest, "error.invalid_text")
					return
				}
				break
			}
			if !jsonBody(req) {
				break
			}
			data, err := io.ReadAll(req.Body)
			if err != nil {
				req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), failing{err}))
				break
			}
			if jsonutf8.Check(data) != nil {
				writeRequestError(w, req, http.StatusBadRequest, "error.invalid_text")
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(data))
		}
		next.ServeHTTP(w, req)
	})
}

func jsonBody(req *http.Request) bool {
	mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

// writeRequestError answers a request refused before GraphQL sees it: one
// error with INVALID_INPUT, in the request's language.
func writeRequestError(w http.ResponseWriter, req *http.Request, status int, key string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
		"message": i18n.T(i18n.FromContext(req.Context()), key, nil), "extensions": map[string]any{"code": apperr.InvalidInput},
	}}})
}
