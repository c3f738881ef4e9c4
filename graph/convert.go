package graph

import (
	"context"
	"strings"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/identity"
	"github.com/otwarty/otwarty/internal/org"
)

// requireSelf lets only the account's owner read its private fields.
func (r *Resolver) requireSelf(ctx context.Context, a *model.Account) error {
	c := clientFrom(ctx)
	if c.account == nil {
		return apperr.ErrUnauthenticated
	}
	if c.account.ID != a.Key {
		return apperr.ErrNotFound
	}
	return nil
}

func organisationOut(o org.Organisation) *model.Organisation {
	m := &model.Organisation{ID: gid.Encode("Organisation", o.ID), Key: o.ID, Kind: model.OrganisationKind(strings.ToUpper(o.Kind)),
		Name: o.Name, Slug: o.Slug, CreatedAt: o.CreatedAt}
	if o.DescriptionTextID != uuid.Nil {
		id := o.DescriptionTextID
		m.DescriptionTextID = &id
	}
	return m
}

func memberOut(m org.Member) *model.OrganisationMember {
	return &model.OrganisationMember{AccountID: gid.Encode("Account", m.AccountID), DisplayName: m.DisplayName,
		Role: memberRoleOut(m.Role), JoinedAt: m.JoinedAt}
}

func memberRoleOut(role string) model.MemberRole { return model.MemberRole(strings.ToUpper(role)) }

// roleGrantFrom maps a stored grant; "org:<id>" domains name an organisation.
func roleGrantFrom(role, domain string) model.RoleGrant {
	g := model.RoleGrant{Role: model.Role(strings.ToUpper(role)), Scope: domain}
	if kind, key, ok := strings.Cut(domain, ":"); ok && kind == "org" {
		if id, err := uuid.Parse(key); err == nil {
			g.OrganisationID = &id
		}
	}
	return g
}

// roleDomain is the scope of an invitable role: officials work for one city
// unit, the other invitable roles are global.
func roleDomain(role model.InvitableRole, orgID *string) (string, error) {
	if role != model.InvitableRoleOfficial {
		if orgID != nil {
			return "", apperr.Invalid("organisationId", "error.invalid_input")
		}
		return "*", nil
	}
	if orgID == nil {
		return "", apperr.Invalid("organisationId", "error.invalid_input")
	}
	id, err := gid.Expect(*orgID, "Organisation", "organisationId")
	if err != nil {
		return "", err
	}
	return org.Domain(id), nil
}

func invitationOut(inv identity.Invitation) *model.Invitation {
	m := &model.Invitation{ID: gid.Encode("Invitation", inv.ID), Key: inv.ID, Email: inv.Email,
		Role: model.InvitableRole(strings.ToUpper(inv.Role)), ExpiresAt: inv.ExpiresAt, AcceptedAt: inv.AcceptedAt}
	if g := roleGrantFrom(inv.Role, inv.Domain); g.OrganisationID != nil {
		m.OrganisationID = g.OrganisationID
	}
	return m
}

// node resolves a global ID to an object the caller may see, else nil.
func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	typ, key, ok := gid.Decode(id)
	if !ok {
		return nil, nil
	}
	c := clientFrom(ctx)
	switch typ {
	case "Organisation":
		o, err := loadersFrom(ctx).organisation(ctx, key)
		if err != nil || o == nil {
			return nil, err
		}
		return o, nil
	case "Account":
		if c.account == nil || c.account.ID != key {
			return nil, nil
		}
		return model.AccountFrom(*c.account), nil
	case "Session":
		if c.account == nil {
			return nil, nil
		}
		sessions, err := r.Identity.Sessions(ctx, c.account.ID)
		if err != nil {
			return nil, err
		}
		for _, s := range sessions {
			if s.ID == key {
				return model.SessionFrom(s, c.session.ID), nil
			}
		}
		return nil, nil
	case "Consultation":
		c, err := loadersFrom(ctx).consultation(ctx, key)
		if err != nil || c == nil {
			return nil, err
		}
		return c, nil
	case "Submission":
		s, err := loadersFrom(ctx).submission(ctx, key)
		if err != nil || s == nil {
			return nil, err
		}
		return s, nil
	case "Meeting":
		v, err := r.Consultations.GetMeeting(ctx, key)
		return nodeOr(v, err, meetingOut)
	case "Body":
		b, err := r.body(ctx, key)
		if err != nil || b == nil {
			return nil, err
		}
		return b, nil
	case "BodyMember":
		m, err := r.Dialogue.Member(ctx, key)
		return nodeOr(m, err, func(m *dialogue.Member) *model.BodyMember { return bodyMemberOut(m, r.Dialogue.Now()) })
	case "BodyMeeting":
		m, err := r.bodyMeeting(ctx, key)
		if err != nil || m == nil {
			return nil, err
		}
		return m, nil
	case "Motion":
		m, err := r.motion(ctx, key)
		if err != nil || m == nil {
			return nil, err
		}
		return m, nil
	case "Programme":
		p, err := r.Programmes.Programme(ctx, key)
		return nodeOr(p, err, programmeOut)
	case "ProgrammeIndicator":
		in, err := r.Programmes.Indicator(ctx, key)
		return nodeOr(in, err, indicatorOut)
	case "AmbassadorEdition":
		e, err := r.ambassadorEdition(ctx, key)
		if err != nil || e == nil {
			return nil, err
		}
		return e, nil
	case "InfoPage":
		p, err := r.infoPage(ctx, key)
		if err != nil || p == nil {
			return nil, err
		}
		return p, nil
	case "AmbassadorNomination":
		n, err := r.ambassadorNomination(ctx, key)
		if err != nil || n == nil {
			return nil, err
		}
		return n, nil
	case "BodyOpinionRequest":
		req, err := r.opinionRequest(ctx, key)
		if err != nil || req == nil {
			return nil, err
		}
		return req, nil
	case "BodyAgendaItem":
		i, err := r.bodyAgendaItem(ctx, key)
		if err != nil || i == nil {
			return nil, err
		}
		return i, nil
	case "BodyMinutes":
		m, err := r.bodyMinutes(ctx, key)
		if err != nil || m == nil {
			return nil, err
		}
		return m, nil
	case "BodyMinutesComment":
		c, mm, err := r.DialogueMinutes.CommentOf(ctx, key)
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return minutesCommentOut(mm, c), nil
	case "Election":
		e, err := r.election(ctx, key)
		if err != nil || e == nil {
			return nil, err
		}
		return e, nil
	case "BudgetEdition":
		v, err := r.Budget.Edition(ctx, key)
		return nodeOr(v, err, editionOut)
	case "BudgetSession":
		v, err := r.Budget.Session(ctx, key)
		return nodeOr(v, err, sessionOut)
	case "BudgetProject":
		p, err := r.budgetProjectByID(ctx, key)
		if err != nil || p == nil {
			return nil, err
		}
		return p, nil
	case "Event":
		e, err := r.event(ctx, key)
		if err != nil || e == nil {
			return nil, err
		}
		return e, nil
	case "Notification":
		if c.account == nil {
			return nil, nil
		}
		v, err := r.Notify.Get(ctx, c.account.ID, key)
		return nodeOr(v, err, notificationOut)
	}
	return nil, nil
}
