package web

import "net/http"

// graphiql serves the API explorer from our own files (React, ReactDOM and
// GraphiQL vendored from npm) under the same CSP as every page: 'self' only.
func (h *Handler) graphiql(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, graphiqlPage())
}
