package web

import (
	"context"
	"errors"
	"net/http"
	"sort"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

// form is a form's state between a POST and its re-rendering: the values
// given (never passwords) and the errors, by field.
type form struct {
	Values map[string]string
	Errors map[string]string // field name → message
	Error  string            // an error of the whole form
	Notice string
	// Prefix keeps the ids of a form's fields apart from another form's
	// on the same page.
	Prefix string
	fields []string // in the order of the form, for the summary
}

// id is the HTML id of the field name.
func (f *form) id(name string) string { return "f-" + f.Prefix + name }

func newForm(fields ...string) *form {
	return &form{Values: map[string]string{}, Errors: map[string]string{}, fields: fields}
}

// read copies the posted values of the form's fields.
func (f *form) read(r *http.Request) *form {
	for _, k := range f.fields {
		f.Values[k] = r.PostFormValue(k)
	}
	return f
}

func (f *form) hasErrors() bool { return f.Error != "" || len(f.Errors) > 0 }

type fieldError struct{ ID, Message string }

func (f *form) fieldErrors() []fieldError {
	var out []fieldError
	for _, k := range f.fields {
		if m := f.Errors[k]; m != "" {
			out = append(out, fieldError{ID: f.id(k), Message: m})
		}
	}
	// Fields not in the list (should not happen) still show, in a stable order.
	var rest []string
	for k := range f.Errors {
		if !contains(f.fields, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, fieldError{ID: f.id(k), Message: f.Errors[k]})
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// fail puts a service's error on the form: a domain error with a field of
// this form goes next to that field, any other domain error above the form,
// in the catalog's words. It returns the HTTP status to answer with.
func (f *form) fail(ctx context.Context, err error) int {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		f.Error = tr(ctx, "web.error.internal")
		return http.StatusInternalServerError
	}
	for _, e := range append([]*apperr.Error{ae}, ae.Also...) {
		msg := i18n.T(reqFrom(ctx).Locale, e.Key, e.Args)
		if e.Field != "" && contains(f.fields, e.Field) {
			f.Errors[e.Field] = msg
		} else if f.Error == "" {
			f.Error = msg
		}
	}
	return statusOf(ae.Code)
}

// listFields puts the errors a service reports on a list input (field
// list, the item's position in its "index" argument) on the form field of
// that item, names[index]; other errors are left as they are.
func listFields(err error, list string, names []string) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err
	}
	at := func(e *apperr.Error) *apperr.Error {
		i, ok := e.Args["index"].(int)
		if e.Field != list || !ok || i < 0 || i >= len(names) {
			return e
		}
		c := *e
		c.Field = names[i]
		return &c
	}
	out := *at(ae)
	out.Also = nil
	for _, e := range ae.Also {
		out.Also = append(out.Also, at(e))
	}
	return &out
}

func statusOf(c apperr.Code) int {
	switch c {
	case apperr.InvalidInput:
		return http.StatusUnprocessableEntity
	case apperr.Unauthenticated:
		return http.StatusUnauthorized
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict, apperr.PhaseClosed:
		return http.StatusConflict
	case apperr.RateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// describedBy is an input's aria-describedby: its hint and its error.
func (f *form) describedBy(name, hint string) string {
	s := ""
	if hint != "" {
		s = f.id(name) + "-hint"
	}
	if f.Errors[name] != "" {
		if s != "" {
			s += " "
		}
		s += f.id(name) + "-error"
	}
	return s
}

// passwordMin is identity's minimum password length, shown in the hint
// (identity checks it; a different value there shows in its error message).
const passwordMin = 12
