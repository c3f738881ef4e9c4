package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/jsonutf8"
)

// checkText refuses a request whose JSON body (POST), JSON fields of an
// upload (multipart POST) or parameters (GET) are not Unicode text — invalid UTF-8 bytes, or a lone surrogate escape —
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
		case req.Method == http.MethodPost && multipartBody(req):
			// readUpload has read the body already; its "operations" and
			// "map" fields are JSON like a body.
			data, err := io.ReadAll(req.Body)
			if err != nil {
				req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), failing{err}))
				break
			}
			if !uploadText(req, data) {
				writeRequestError(w, req, http.StatusBadRequest, "error.invalid_text")
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(data))
		case req.Method == http.MethodPost:
			// A JSON body limitBody (which checkText always runs behind) read
			// whole; one it could not read is the transport's to refuse.
			if rb, ok := req.Body.(*readBody); ok && jsonutf8.Check(rb.data) != nil {
				writeRequestError(w, req, http.StatusBadRequest, "error.invalid_text")
				return
			}
		}
		next.ServeHTTP(w, req)
	})
}

func multipartBody(req *http.Request) bool {
	mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
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

// readUpload reads a multipart request (an upload) whole — limitBody caps
// it — so that checkText can look at its JSON fields. The deadline d (when
// positive) starts once the body has arrived: the session lookup and the
// operation are bounded, a slow upload is not cut short.
func readUpload(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		data, err := io.ReadAll(req.Body)
		if err != nil {
			// Too large or cut off: the transport answers it as a body it
			// could not read.
			req.Body = io.NopCloser(io.MultiReader(bytes.NewReader(data), failing{err}))
			next.ServeHTTP(w, req)
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(data))
		if d > 0 {
			ctx, cancel := context.WithTimeout(req.Context(), d)
			defer cancel()
			req = req.WithContext(ctx)
		}
		next.ServeHTTP(w, req)
	})
}

// uploadText reports whether the JSON fields of a multipart request body
// are Unicode text; a body that does not parse is left to the transport.
func uploadText(req *http.Request, data []byte) bool {
	_, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return true
	}
	mr := multipart.NewReader(bytes.NewReader(data), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil { // the end, or a body the transport refuses
			return true
		}
		if name := part.FormName(); name == "operations" || name == "map" {
			field, err := io.ReadAll(part)
			if err == nil && jsonutf8.Check(field) != nil {
				return false
			}
		}
	}
}

// operationDeadline bounds each query and mutation to d from its start (see
// ServerConfig.RequestTimeout); a subscription is left alone.
func operationDeadline(d time.Duration) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
			return next(ctx)
		}
		ctx, cancel := context.WithTimeout(ctx, d)
		h := next(ctx)
		// A query or mutation answers once; the timer is released then.
		return func(ctx context.Context) *graphql.Response {
			defer cancel()
			return h(ctx)
		}
	}
}
