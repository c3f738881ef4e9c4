package apperr_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
)

func TestFields_FirstCarriesTheOthers(t *testing.T) {
	t.Parallel()
	require.NoError(t, apperr.Fields(nil, nil))
	a, b, c := apperr.Invalid("a", "k.a"), apperr.Invalid("b", "k.b"), apperr.Invalid("c", "k.c")
	err := apperr.Fields(nil, a, b, nil, c)
	var e *apperr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, "a", e.Field)
	require.Equal(t, []*apperr.Error{b, c}, e.Also)
	require.Empty(t, a.Also, "the first error itself is not changed")

	// Anything but INVALID_INPUT is returned alone.
	other := errors.New("database down")
	require.Same(t, other, apperr.Fields(a, other))
	require.Same(t, apperr.ErrForbidden, apperr.Fields(apperr.ErrForbidden, b))
}
