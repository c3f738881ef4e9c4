package graph

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

func TestErrorPresenter_PanicsAndUnknownErrorsBecomeInternalWithoutDetail(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	ctx := graphql.WithResponseContext(i18n.WithLocale(context.Background(), i18n.EN), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	present := presentError(log)

	recovered := recoverPanic(log)(ctx, "runtime error: index out of range [secret detail]")
	for _, err := range []error{recovered, errors.New(`ERROR: relation "accounts" secret detail (SQLSTATE 42P01)`)} {
		got := present(ctx, err)
		require.Equal(t, "INTERNAL", got.Extensions["code"])
		require.Equal(t, i18n.T(i18n.EN, "error.internal", nil), got.Message)
		require.NotContains(t, got.Message, "secret")
	}

	got := present(ctx, apperr.Invalid("email", "auth.email_invalid"))
	require.Equal(t, map[string]any{"code": "INVALID_INPUT", "field": "email"}, got.Extensions)
	require.Equal(t, i18n.T(i18n.EN, "auth.email_invalid", nil), got.Message)
}
