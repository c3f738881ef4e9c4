package authz

import (
	"github.com/otwarty/otwarty/internal/db"

	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
)

// errReadOnly answers every attempt to write policy through Casbin: grants
// are written by Grant and Revoke, in the business transaction.
var errReadOnly = errors.New("authz: the policy adapter is read-only; use Grant and Revoke")

// adapter is a read-only Casbin adapter: the static matrix embedded in the
// binary plus one g rule per row of the authz_grants view.
type adapter struct {
	q db.Querier
}

var (
	_ persist.Adapter        = (*adapter)(nil)
	_ persist.ContextAdapter = (*adapter)(nil)
)

func (ad *adapter) LoadPolicy(m model.Model) error {
	return ad.LoadPolicyCtx(context.Background(), m)
}

func (ad *adapter) LoadPolicyCtx(ctx context.Context, m model.Model) error {
	for i, line := range strings.Split(policyCSV, "\n") {
		if err := persist.LoadPolicyLine(strings.TrimSpace(line), m); err != nil {
			return fmt.Errorf("authz policy.csv line %d: %w", i+1, err)
		}
	}
	rows, err := ad.q.Query(ctx, "select subject, role, domain from authz_grants")
	if err != nil {
		return fmt.Errorf("authz load grants: %w", err)
	}
	defer rows.Close()
	var sub, role, domain string
	for rows.Next() {
		if err := rows.Scan(&sub, &role, &domain); err != nil {
			return fmt.Errorf("authz load grants: %w", err)
		}
		if err := persist.LoadPolicyArray([]string{"g", sub, role, domain}, m); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("authz load grants: %w", err)
	}
	return nil
}

func (ad *adapter) SavePolicy(model.Model) error                              { return errReadOnly }
func (ad *adapter) AddPolicy(string, string, []string) error                  { return errReadOnly }
func (ad *adapter) RemovePolicy(string, string, []string) error               { return errReadOnly }
func (ad *adapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }

func (ad *adapter) SavePolicyCtx(context.Context, model.Model) error { return errReadOnly }
func (ad *adapter) AddPolicyCtx(context.Context, string, string, []string) error {
	return errReadOnly
}
func (ad *adapter) RemovePolicyCtx(context.Context, string, string, []string) error {
	return errReadOnly
}
func (ad *adapter) RemoveFilteredPolicyCtx(context.Context, string, string, int, ...string) error {
	return errReadOnly
}
