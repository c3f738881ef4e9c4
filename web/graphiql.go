package web

import "net/http"

// graphiql serves the API explorer. GraphiQL sets style attributes from
// script, which a CSP without 'unsafe-inline' styles would block, so this
// page alone allows inline styles; scripts stay 'self' only.
func (h *Handler) graphiql(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
	h.render(w, r, http.StatusOK, graphiqlPage())
}
