package programme

import (
	"strconv"

	"github.com/otwarty/otwarty/internal/i18n"
)

// Explain says how the result was found, in locale: the method's message
// with its figures, or the entered value's note.
func (r *Result) Explain(l i18n.Locale) string {
	in := r.Indicator
	if r.Unavailable {
		return i18n.T(l, "programme.explain.unavailable", nil)
	}
	args := map[string]any{}
	for _, p := range r.Parts {
		args[p.Key] = strconv.FormatFloat(p.Value, 'f', -1, 64)
	}
	switch in.Method {
	case MethodEntered:
		if r.Entered == nil {
			return i18n.T(l, "programme.explain.entered_missing", nil)
		}
		args["note"], args["date"] = r.Entered.Note, r.Entered.EnteredAt.In(warsaw).Format("02.01.2006")
		return i18n.T(l, "programme.explain.entered", args)
	case MethodBudgetShare:
		if r.Sample == nil {
			return i18n.T(l, "programme.explain.budget_share_pending", nil)
		}
		args["respondents"], args["ballots"] = r.Sample.Respondents, r.Sample.Ballots
		args["rate"] = strconv.FormatFloat(r.Sample.ResponseRate, 'f', -1, 64)
		args["min"] = r.Sample.MinGroup
		if r.Sample.Withheld {
			return i18n.T(l, "programme.explain.budget_share_withheld", args)
		}
		args["low"] = strconv.FormatFloat(*r.Sample.Low, 'f', -1, 64)
		args["high"] = strconv.FormatFloat(*r.Sample.High, 'f', -1, 64)
		return i18n.T(l, "programme.explain.budget_share", args)
	}
	return i18n.T(l, "programme.explain."+in.Method, args)
}
