package graph

import (
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
)

func bodyMinutesOut(mm *dialogue.MeetingMinutes) *model.BodyMinutes {
	return &model.BodyMinutes{ID: gid.Encode("BodyMinutes", mm.MeetingID), M: mm, Locale: mm.Locale, Version: mm.Version,
		Body: mm.Body, OpenedAt: mm.OpenedAt, ApprovedAt: mm.ApprovedAt}
}

func minutesCommentOut(mm *dialogue.MeetingMinutes, c *dialogue.MinutesComment) *model.BodyMinutesComment {
	return &model.BodyMinutesComment{ID: gid.Encode("BodyMinutesComment", c.ID), C: c, Minutes: mm, Version: c.Version,
		Text: c.Body, CreatedAt: c.CreatedAt, EditedAt: c.EditedAt}
}

func minutesSource(s string) model.BodyMinutesSource {
	if s == dialogue.MinutesEdited {
		return model.BodyMinutesSourceEdited
	}
	return model.BodyMinutesSourceGenerated
}

func minutesFormatIn(f model.BodyMinutesFormat) dialogue.MinutesFormat {
	if f == model.BodyMinutesFormatHTML {
		return dialogue.MinutesHTML
	}
	return dialogue.MinutesMarkdown
}

// onBodyMinutes runs act on the minutes of a meeting given in an input
// (signed-in callers only, before anything else) and returns what act
// returns as the payload's minutes.
func (r *Resolver) onBodyMinutes(ctx context.Context, meetingID string, act func(uuid.UUID) (*dialogue.MeetingMinutes, error)) (*model.BodyMinutes, error) {
	if _, err := requireSignedIn(ctx); err != nil {
		return nil, err
	}
	id, err := gid.Expect(meetingID, "BodyMeeting", "meetingId")
	if err != nil {
		return nil, err
	}
	mm, err := act(id)
	if err != nil {
		return nil, err
	}
	return bodyMinutesOut(mm), nil
}

// bodyMinutes is the minutes of meeting key if the caller may see them, nil
// otherwise.
func (r *Resolver) bodyMinutes(ctx context.Context, key uuid.UUID) (*model.BodyMinutes, error) {
	v, err := r.DialogueMinutes.Get(ctx, key)
	return visibleOr(v, err, bodyMinutesOut)
}

// MinutesExportHandler serves approved minutes as files: GET
// /minutes/{meetingId}?format=html|markdown&locale=pl|uk|en|ru, with the
// bearer token of the API (or none, for public minutes). It answers exactly
// what the export field answers: 404 where the caller may not see the
// minutes, 409 before approval, 400 for bad input.
func (r *Resolver) MinutesExportHandler() http.Handler {
	return r.authenticate(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		fail := func(err error) {
			status := map[apperr.Code]int{apperr.NotFound: http.StatusNotFound, apperr.InvalidInput: http.StatusBadRequest,
				apperr.PhaseClosed: http.StatusConflict, apperr.Unauthenticated: http.StatusUnauthorized,
				apperr.Forbidden: http.StatusForbidden}[apperr.CodeOf(err)]
			code, key := apperr.CodeOf(err), "error.internal"
			var e *apperr.Error
			if !errors.As(err, &e) {
				e = nil
			}
			if status == 0 || e == nil {
				status, code = http.StatusInternalServerError, apperr.Internal
				r.Log.Error("minutes export", "err", err)
			} else {
				key = e.Key
			}
			ext := map[string]any{"code": code}
			if e != nil && e.Field != "" {
				ext["field"] = e.Field
			}
			var args map[string]any
			if e != nil {
				args = e.Args
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
				"message": i18n.T(i18n.FromContext(ctx), key, args), "extensions": ext}}})
		}
		id, err := gid.Expect(req.PathValue("meetingId"), "BodyMeeting", "meetingId")
		if err != nil {
			fail(err)
			return
		}
		format := dialogue.MinutesFormat(strings.ToLower(req.URL.Query().Get("format")))
		if format == "" {
			format = dialogue.MinutesHTML
		}
		var locale *i18n.Locale
		if l := req.URL.Query().Get("locale"); l != "" {
			loc := i18n.Locale(strings.ToLower(l))
			locale = &loc
		}
		out, err := r.DialogueMinutes.Export(ctx, id, format, locale)
		if err != nil {
			fail(err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", out.ContentType)
		h.Set("Content-Language", string(out.Locale))
		h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": out.Filename}))
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "private, no-store")
		_, _ = w.Write([]byte(out.Content))
	}))
}
