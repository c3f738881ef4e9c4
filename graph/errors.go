package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/otwarty/otwarty/graph/scalar"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

// presentError maps every error to its wire form in one place: domain errors
// get extensions.code (and field) and a message in the caller's language;
// gqlgen's own protocol errors keep their codes; anything else is INTERNAL
// with no detail.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		loc := i18n.FromContext(ctx)
		var ae *apperr.Error
		var se *scalar.Error
		switch {
		case errors.As(err, &ae):
			gerr.Message = i18n.T(loc, ae.Key, ae.Args)
			gerr.Extensions = map[string]any{"code": string(ae.Code)}
			if ae.Field != "" {
				gerr.Extensions["field"] = ae.Field
			}
			// Every invalid field of the input, the first included, so that
			// a form marks them all at once.
			if len(ae.Also) > 0 {
				fields := []map[string]any{}
				for _, e := range append([]*apperr.Error{ae}, ae.Also...) {
					fields = append(fields, map[string]any{"field": e.Field, "message": i18n.T(loc, e.Key, e.Args)})
				}
				gerr.Extensions["fields"] = fields
			}
			if ae.Code == apperr.Internal {
				log.ErrorContext(ctx, "internal error", "err", err, "path", gerr.Path.String())
			}
		case errors.As(err, &se):
			gerr.Message = se.Error()
			gerr.Extensions = map[string]any{"code": string(apperr.InvalidInput)}
		case gerr.Extensions["code"] != nil:
			// gqlgen's protocol codes (GRAPHQL_PARSE_FAILED, ...) stay as they are.
		case gerr.Unwrap() == nil && gerr.Rule != "":
			// validation rule errors without a code
			gerr.Extensions = map[string]any{"code": "GRAPHQL_VALIDATION_FAILED"}
		case gerr.Unwrap() == nil && len(gerr.Path) == 0:
			// The transport's own refusals of a malformed request (a body that
			// is not JSON, a missing query): the client's fault, said plainly.
			gerr.Extensions = map[string]any{"code": string(apperr.InvalidInput)}
		default:
			log.ErrorContext(ctx, "unexpected error", "err", err, "path", gerr.Path.String())
			gerr.Message = i18n.T(loc, "error.internal", nil)
			gerr.Extensions = map[string]any{"code": string(apperr.Internal)}
		}
		return gerr
	}
}

// recoverPanic turns a panic in a resolver into INTERNAL, logging the stack
// but never sending it.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return apperr.ErrInternal
	}
}
