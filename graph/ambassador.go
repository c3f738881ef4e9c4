package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/ambassador"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/i18n"
)

func ambassadorEditionOut(e *ambassador.Edition) *model.AmbassadorEdition {
	return &model.AmbassadorEdition{ID: gid.Encode("AmbassadorEdition", e.ID), E: e}
}

func ambassadorNominationOut(n *ambassador.Nomination) *model.AmbassadorNomination {
	return &model.AmbassadorNomination{ID: gid.Encode("AmbassadorNomination", n.ID), N: n}
}

func ambassadorCategoryOut(c ambassador.Category) model.AmbassadorCategory {
	return model.AmbassadorCategory{ID: gid.Encode("AmbassadorCategory", c.ID), Kind: model.AmbassadorCategoryKind(strings.ToUpper(c.Kind)),
		Titles: c.Titles}
}

func ambassadorCriterionOut(c ambassador.Criterion) model.AmbassadorCriterion {
	return model.AmbassadorCriterion{ID: gid.Encode("AmbassadorCriterion", c.ID), C: c}
}

// ambassadorEdition is the edition with key if the caller may see it, nil otherwise.
func (r *Resolver) ambassadorEdition(ctx context.Context, key uuid.UUID) (*model.AmbassadorEdition, error) {
	e, err := r.Ambassador.Edition(ctx, key)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ambassadorEditionOut(e), nil
}

// ambassadorNomination is the nomination with key if the caller may see it, nil otherwise.
func (r *Resolver) ambassadorNomination(ctx context.Context, key uuid.UUID) (*model.AmbassadorNomination, error) {
	n, err := r.Ambassador.Nomination(ctx, key)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ambassadorNominationOut(n), nil
}

func ambassadorScheduleIn(in *model.AmbassadorScheduleInput) *ambassador.Schedule {
	if in == nil {
		return nil
	}
	return &ambassador.Schedule{NominationsOpen: in.NominationsOpen, NominationsClose: in.NominationsClose,
		CheckClose: in.CheckClose, ScoringClose: in.ScoringClose, DecisionClose: in.DecisionClose,
		AudienceClose: in.AudienceClose, AnnounceAt: in.AnnounceAt}
}

func ambassadorCriteriaIn(in []model.AmbassadorCriterionInput) []ambassador.CriterionInput {
	if in == nil {
		return nil
	}
	out := make([]ambassador.CriterionInput, len(in))
	for i, c := range in {
		out[i] = ambassador.CriterionInput{Name: i18n.Input{Locale: c.Name.Locale, Text: c.Name.Text}, Weight: c.Weight,
			ScaleMin: c.ScaleMin, ScaleMax: c.ScaleMax}
	}
	return out
}

func localizedListIn(in []model.LocalizedInput) []i18n.Input {
	if in == nil {
		return nil
	}
	out := make([]i18n.Input, len(in))
	for i, l := range in {
		out[i] = i18n.Input{Locale: l.Locale, Text: l.Text}
	}
	return out
}

func ambassadorNomineeIn(in *model.AmbassadorNomineeInput) (*ambassador.NomineeInput, error) {
	if in == nil {
		return nil, nil
	}
	out := &ambassador.NomineeInput{Name: in.Name, Email: deref(in.Email), Minor: in.Minor,
		GuardianName: deref(in.GuardianName), GuardianEmail: deref(in.GuardianEmail)}
	if in.OrganisationID != nil {
		id, err := gid.Expect(*in.OrganisationID, "Organisation", "nominee.organisationId")
		if err != nil {
			return nil, err
		}
		out.OrganisationID = &id
	}
	return out, nil
}

func ambassadorJustificationsIn(in []model.AmbassadorJustificationInput) ([]ambassador.JustificationInput, error) {
	if in == nil {
		return nil, nil
	}
	out := make([]ambassador.JustificationInput, len(in))
	for i, j := range in {
		id, err := gid.Expect(j.CriterionID, "AmbassadorCriterion", "justifications")
		if err != nil {
			return nil, err
		}
		out[i] = ambassador.JustificationInput{CriterionID: id, Text: i18n.Input{Locale: j.Text.Locale, Text: j.Text.Text}}
	}
	return out, nil
}

func ambassadorNominationIn(edition, category string, nominee *model.AmbassadorNomineeInput,
	js []model.AmbassadorJustificationInput, links []string) (ambassador.NominationInput, error) {
	var in ambassador.NominationInput
	var err error
	if in.EditionID, err = gid.Expect(edition, "AmbassadorEdition", "editionId"); err != nil {
		return in, err
	}
	if in.CategoryID, err = gid.Expect(category, "AmbassadorCategory", "categoryId"); err != nil {
		return in, err
	}
	nm, err := ambassadorNomineeIn(nominee)
	if err != nil {
		return in, err
	}
	in.Nominee = *nm
	if in.Justifications, err = ambassadorJustificationsIn(js); err != nil {
		return in, err
	}
	in.Links = links
	return in, nil
}

// consentLinkAnswer is what the nominee who followed a consent link is
// told after giving or declining consent (do): the edition's year, the
// category and the name they were nominated under — nothing else of the
// nomination, as the caller is anonymous.
type linkAnswer struct {
	year     int
	category model.AmbassadorCategoryKind
	nominee  string
}

func (r *Resolver) consentLinkAnswer(ctx context.Context, do func(context.Context, ambassador.ConsentInput) (*ambassador.Nomination, error),
	token string) (linkAnswer, error) {
	n, err := do(ctx, ambassador.ConsentInput{Token: token})
	if err != nil {
		return linkAnswer{}, err
	}
	year, err := r.Ambassador.YearOf(ctx, n.EditionID)
	if err != nil {
		return linkAnswer{}, err
	}
	return linkAnswer{year: year, category: model.AmbassadorCategoryKind(strings.ToUpper(n.CategoryKind)), nominee: n.Nominee.Name}, nil
}
