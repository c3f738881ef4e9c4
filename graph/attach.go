package graph

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/attach"
	"github.com/otwarty/otwarty/internal/i18n"
)

// PathAttachments is the prefix of download paths: GET
// /attachments/{attachmentId}.
const PathAttachments = "/attachments/"

func attachmentOut(a *attach.Attachment, purposes map[string]string) model.Attachment {
	id := gid.Encode("Attachment", a.ID)
	purpose := a.Purpose
	if p, ok := purposes[a.Purpose]; ok {
		purpose = p
	}
	return model.Attachment{ID: id, FileName: a.FileName, ContentType: a.ContentType, Size: int(a.Size), Sha256: a.SHA256Hex(),
		Purpose: purpose, UploadedAt: a.UploadedAt, DownloadPath: PathAttachments + id}
}

func attachmentsOut(list []*attach.Attachment, purposes map[string]string) []model.Attachment {
	out := make([]model.Attachment, len(list))
	for i, a := range list {
		out[i] = attachmentOut(a, purposes)
	}
	return out
}

func uploadIn(u graphql.Upload) attach.File {
	return attach.File{Name: u.Filename, Content: u.File}
}

// ambassadorPurposes names a nomination's attachments' purposes on the wire.
var ambassadorPurposes = map[string]string{ambassador.PurposeDocument: "DOCUMENT", ambassador.PurposeFormScan: "NOMINATION_SCAN",
	ambassador.PurposeConsentScan: "CONSENT_SCAN"}

// uploadTransport is the multipart request transport, sized by the
// attachment limits: one file and the operation.
func uploadTransport(l attach.Limits, payload int64) graphql.Transport {
	return transport.MultipartForm{MaxUploadSize: l.MaxBytes + payload, MaxMemory: l.MaxBytes}
}

// uploadsAllowed sends multipart requests (uploads) to uploads, whose body
// limit fits a file, and every other request to next.
func uploadsAllowed(next, uploads http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" &&
			req.Method == http.MethodPost && !websocketUpgrade(req) {
			uploads.ServeHTTP(w, req)
			return
		}
		next.ServeHTTP(w, req)
	})
}

// AttachmentHandler serves attachments: GET /attachments/{attachmentId},
// with the bearer token of the API. The owning domain's guard decides: 404
// for a file the caller may not see, as for one that does not exist. The
// file is sent as an attachment with its sniffed type, never sniffed again
// by the browser, and never cached by a shared cache.
func (r *Resolver) AttachmentHandler() http.Handler {
	return r.authenticate(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		fail := func(err error) {
			status, code, key := http.StatusNotFound, apperr.NotFound, "error.not_found"
			var e *apperr.Error
			if apperr.CodeOf(err) == apperr.NotFound && errors.As(err, &e) {
				key = e.Key
			} else if apperr.CodeOf(err) != apperr.NotFound {
				status, code, key = http.StatusInternalServerError, apperr.Internal, "error.internal"
				r.Log.Error("attachment download", "err", err)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
				"message": i18n.T(i18n.FromContext(ctx), key, nil), "extensions": map[string]any{"code": code}}}})
		}
		id, err := gid.Expect(req.PathValue("attachmentId"), "Attachment", "attachmentId")
		if err != nil {
			fail(apperr.ErrNotFound)
			return
		}
		d, err := r.Attachments.Open(ctx, id)
		if err != nil {
			fail(err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", d.ContentType)
		h.Set("Content-Length", strconv.FormatInt(int64(len(d.Content)), 10))
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.FileName}))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set("Cache-Control", "private, no-store")
		_, _ = w.Write(d.Content)
	}))
}

func attachmentRef(a *attach.Attachment, purposes map[string]string) *model.Attachment {
	out := attachmentOut(a, purposes)
	return &out
}
