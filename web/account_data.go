package web

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/internal/notify"
)

// The account's own data: notifications, the export of everything kept
// about the account, and deleting it.

// Paths of the account's pages.
const (
	PathExport        = PathProfile + "/export"
	PathDeleteAccount = PathProfile + "/delete"
)

func (h *Handler) accountDataRoutes(m *http.ServeMux) {
	m.HandleFunc("GET "+notify.PathNotifications, h.notifications)
	m.HandleFunc("POST "+notify.PathNotifications+"/read", h.markAllRead)
	m.HandleFunc("GET "+PathExport, h.export)
	m.HandleFunc("GET "+PathDeleteAccount, h.deleteAccountForm)
	m.HandleFunc("POST "+PathDeleteAccount, h.deleteAccount)
}

// mustSignIn returns the caller's account id, or sends them to sign in and
// back to path.
func (h *Handler) mustSignIn(w http.ResponseWriter, r *http.Request, path string) (uuid.UUID, bool) {
	rq := reqFrom(r.Context())
	if rq.Account == nil {
		seeOther(w, r, PathSignIn+"?next="+url.QueryEscape(path))
		return uuid.Nil, false
	}
	return rq.Account.ID, true
}

type notificationView struct {
	N     notify.Notification
	Title string
	Link  string
}

type notificationsView struct {
	Items  []notificationView
	Unread int
	Next   string
}

// notifications lists the account's notifications, newest first, each with
// its title in the page's language and its link.
func (h *Handler) notifications(w http.ResponseWriter, r *http.Request) {
	id, ok := h.mustSignIn(w, r, notify.PathNotifications)
	if !ok {
		return
	}
	ctx := r.Context()
	res, err := h.svc.Notify.List(ctx, id, pageSize, r.URL.Query().Get("after"), false)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	unread, err := h.svc.Notify.UnreadCount(ctx, id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	v := notificationsView{Unread: unread}
	for _, n := range res.Items {
		subject, _ := h.svc.Notify.Preview(n.Kind, reqFrom(ctx).Locale, n.Data)
		v.Items = append(v.Items, notificationView{N: n, Title: subject, Link: localLink(n.Data[notify.DataLink])})
	}
	if res.HasNext && len(res.Items) > 0 {
		v.Next = notify.PathNotifications + "?after=" + url.QueryEscape(res.Items[len(res.Items)-1].Cursor())
	}
	h.render(w, r, http.StatusOK, notificationsPage(v))
}

// localLink is a notice's link as a path on this site ("" for none or for
// one elsewhere).
func localLink(s string) string {
	u, err := url.Parse(s)
	if s == "" || err != nil || u.Path == "" || u.Path[0] != '/' {
		return ""
	}
	return localURL(u)
}

func (h *Handler) markAllRead(w http.ResponseWriter, r *http.Request) {
	id, ok := h.mustSignIn(w, r, notify.PathNotifications)
	if !ok {
		return
	}
	if _, err := h.svc.Notify.MarkAllRead(r.Context(), id); err != nil {
		h.failErr(w, r, err)
		return
	}
	seeOther(w, r, notify.PathNotifications)
}

// export downloads everything kept about the account as JSON.
func (h *Handler) export(w http.ResponseWriter, r *http.Request) {
	id, ok := h.mustSignIn(w, r, PathProfile)
	if !ok {
		return
	}
	data, err := h.svc.Identity.ExportData(r.Context(), id)
	if err != nil {
		h.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="otwarty-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(data); err != nil {
		h.cfg.Log.Warn("web: export", "err", err)
	}
}

func (h *Handler) deleteAccountForm(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.mustSignIn(w, r, PathDeleteAccount); !ok {
		return
	}
	h.render(w, r, http.StatusOK, deleteAccountPage(newForm("password")))
}

// deleteAccount deletes the account after its password; the session goes
// with it.
func (h *Handler) deleteAccount(w http.ResponseWriter, r *http.Request) {
	id, ok := h.mustSignIn(w, r, PathDeleteAccount)
	if !ok {
		return
	}
	ctx := r.Context()
	f := newForm("password").read(r)
	if err := h.svc.Identity.DeleteAccount(ctx, id, f.Values["password"]); err != nil {
		h.render(w, r, f.fail(ctx, err), deleteAccountPage(f))
		return
	}
	h.clearCookie(w, cookieSession)
	h.render(w, r, http.StatusOK, messagePage(tr(ctx, "web.delete.done_title"), tr(ctx, "web.delete.done"), "/", tr(ctx, "web.nav.home")))
}
