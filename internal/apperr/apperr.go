// Package apperr names the errors a user can hit. Domain packages return
// *Error; the GraphQL error presenter maps Code to extensions.code and Key to a
// message in the caller's language (internal/i18n). Anything else is INTERNAL.
package apperr

import (
	"errors"
	"fmt"
)

// Code is the small, closed set of domain error codes of DESIGN.md.
type Code string

const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	InvalidInput    Code = "INVALID_INPUT"
	Conflict        Code = "CONFLICT"
	PhaseClosed     Code = "PHASE_CLOSED"
	RateLimited     Code = "RATE_LIMITED"
	Internal        Code = "INTERNAL"
)

// Error is a user-facing error: a code, a message key for the catalog, the
// input field at fault (INVALID_INPUT) and arguments for the message.
type Error struct {
	Code  Code
	Key   string
	Field string
	Args  map[string]any
	// Also are further invalid fields of the same input, found together
	// with this one (Fields), so that a form can mark them all at once.
	Also []*Error
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Key, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Key)
}

// Is matches another *Error with the same code and key (key "" matches any).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Key == "" || t.Key == e.Key)
}

// New returns an error with code and message key.
func New(code Code, key string) *Error { return &Error{Code: code, Key: key} }

// Invalid returns an INVALID_INPUT error for field with message key.
func Invalid(field, key string) *Error { return &Error{Code: InvalidInput, Key: key, Field: field} }

// With returns a copy of e carrying message arguments.
func (e *Error) With(args map[string]any) *Error {
	c := *e
	c.Args = args
	return &c
}

// Fields returns the first of errs that is not nil, carrying the other
// INVALID_INPUT errors among errs in Also; nil when all are nil. A domain
// checks every field of an input this way and reports them together; an
// error that is not a domain INVALID_INPUT error is returned alone.
func Fields(errs ...error) error {
	var first *Error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != InvalidInput {
			return err
		}
		if first == nil {
			c := *e
			c.Also = nil
			first = &c
			continue
		}
		first.Also = append(first.Also, e)
	}
	if first == nil {
		return nil
	}
	return first
}

// Common errors shared across domains.
var (
	ErrUnauthenticated = New(Unauthenticated, "error.unauthenticated")
	ErrForbidden       = New(Forbidden, "error.forbidden")
	ErrNotFound        = New(NotFound, "error.not_found")
	ErrRateLimited     = New(RateLimited, "error.rate_limited")
	ErrInternal        = New(Internal, "error.internal")
)

// CodeOf returns the code of err, or Internal when err is not a domain error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
