package graph

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/otwarty/otwarty/graph/gid"
	"github.com/otwarty/otwarty/graph/model"
	"github.com/otwarty/otwarty/internal/dialogue"
	"github.com/otwarty/otwarty/internal/i18n"
	"github.com/otwarty/otwarty/internal/tally"
)

func bodyOut(b *dialogue.Body) *model.Body {
	return &model.Body{ID: gid.Encode("Body", b.ID), B: b, Kind: model.BodyKind(strings.ToUpper(string(b.Kind))),
		Status: model.BodyStatus(strings.ToUpper(string(b.Status))), Public: b.Public, CreatedAt: b.CreatedAt,
		DissolvedAt: b.DissolvedAt, Rules: &model.BodyRules{
			Quorum:                     &model.Fraction{Numerator: b.Rules.Quorum.N, Denominator: b.Rules.Quorum.D},
			Majority:                   model.BodyMajority(strings.ToUpper(string(b.Rules.Majority))),
			ChairBreaksTies:            b.Rules.ChairBreaksTies,
			RemoteAttendanceCounts:     b.Rules.RemoteAttendanceCounts,
			VotesChangeableBeforeClose: b.Rules.VotesChangeableBeforeClose,
			DocumentsPublic:            b.Rules.DocumentsPublic,
		}}
}

// bodyMemberOut maps a membership as it stands at now (the service's clock).
func bodyMemberOut(m *dialogue.Member, now time.Time) *model.BodyMember {
	out := &model.BodyMember{ID: gid.Encode("BodyMember", m.ID), M: m, Role: model.BodyRole(strings.ToUpper(string(m.Role))),
		Votes: m.Role.Votes(), TermStart: m.TermStart, TermEnd: m.TermEnd, Active: m.ActiveAt(now), Delegates: []model.BodyDelegate{}}
	if end, why := m.End(now); end != nil {
		reason := model.BodyMemberEndReason(strings.ToUpper(string(why)))
		out.EndedAt, out.EndReason = end, &reason
	}
	if m.AccountID != nil {
		out.Person = &model.BodyPerson{AccountID: gid.Encode("Account", *m.AccountID), DisplayName: m.DisplayName}
	}
	for _, d := range m.Delegates {
		out.Delegates = append(out.Delegates, model.BodyDelegate{AccountID: gid.Encode("Account", d.AccountID),
			DisplayName: d.DisplayName, Kind: model.BodyDelegateKind(strings.ToUpper(string(d.Kind))), Since: d.Since})
	}
	return out
}

func rulesIn(in *model.BodyRulesInput) dialogue.RulesPatch {
	if in == nil {
		return dialogue.RulesPatch{}
	}
	p := dialogue.RulesPatch{ChairBreaksTies: in.ChairBreaksTies, RemoteAttendanceCounts: in.RemoteAttendanceCounts,
		VotesChangeableBeforeClose: in.VotesChangeableBeforeClose, DocumentsPublic: in.DocumentsPublic}
	if in.Quorum != nil {
		p.Quorum = &tally.Fraction{N: in.Quorum.Numerator, D: in.Quorum.Denominator}
	}
	if in.Majority != nil {
		m := dialogue.Majority(strings.ToLower(string(*in.Majority)))
		p.Majority = &m
	}
	return p
}

func optionalLocalized(in *model.LocalizedInput) *i18n.Input {
	if in == nil {
		return nil
	}
	v := localizedIn(in)
	return &v
}

func delegatesIn(in []model.BodyDelegateInput) ([]dialogue.DelegateInput, error) {
	out := make([]dialogue.DelegateInput, 0, len(in))
	for _, d := range in {
		id, err := gid.Expect(d.AccountID, "Account", "delegates")
		if err != nil {
			return nil, err
		}
		out = append(out, dialogue.DelegateInput{AccountID: id, Substitute: d.Substitute})
	}
	return out, nil
}

func bodyRoleIn(r model.BodyRole) dialogue.Role { return dialogue.Role(strings.ToLower(string(r))) }

// decodeMember decodes a BodyMember id of an input.
func decodeMember(id string) (uuid.UUID, error) { return gid.Expect(id, "BodyMember", "memberId") }

// body is the body with key if the caller may see it, nil otherwise.
func (r *Resolver) body(ctx context.Context, key uuid.UUID) (*model.Body, error) {
	v, err := r.Dialogue.Body(ctx, key)
	return visibleOr(v, err, bodyOut)
}
