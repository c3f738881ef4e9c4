package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/otwarty/otwarty/internal/apperr"
	"github.com/otwarty/otwarty/internal/budget"
	"github.com/otwarty/otwarty/internal/i18n"
)

func inLocale(l i18n.Locale) context.Context {
	return context.WithValue(context.Background(), requestKey{}, &request{Locale: l})
}

func TestMoney_PLNInEachLanguage(t *testing.T) {
	t.Parallel()
	for l, want := range map[i18n.Locale]string{
		i18n.PL: "1\u00a0546\u00a0168,66\u00a0zł",
		i18n.UK: "1\u00a0546\u00a0168,66\u00a0PLN",
		i18n.EN: "PLN\u00a01,546,168.66",
		i18n.RU: "1\u00a0546\u00a0168,66\u00a0PLN",
	} {
		require.Equal(t, want, money(inLocale(l), 154616866, "PLN"), l)
	}
	require.Equal(t, "0,05\u00a0zł", money(inLocale(i18n.PL), 5, ""))
	require.Equal(t, "999,00\u00a0zł", money(inLocale(i18n.PL), 99900, "PLN"))
	require.Equal(t, "-1\u00a0000,00\u00a0zł", money(inLocale(i18n.PL), -100000, "PLN"))
}

// ballotPools are a city-wide pool and two districts, three ranks each.
func ballotPools() ([]budget.Pool, map[uuid.UUID][]budget.Project) {
	pool := func(name, kind, district string) budget.Pool {
		return budget.Pool{ID: uuid.New(), PoolInput: budget.PoolInput{Name: name, Kind: kind, District: district, PickCount: 3}}
	}
	pools := []budget.Pool{pool("Ogólnomiejska", budget.KindCity, ""), pool("Stare Miasto", budget.KindDistrict, "stare-miasto"),
		pool("Podgórze", budget.KindDistrict, "podgorze")}
	projects := map[uuid.UUID][]budget.Project{}
	for _, p := range pools {
		for range 4 {
			projects[p.ID] = append(projects[p.ID], budget.Project{ID: uuid.New(), PoolID: p.ID})
		}
	}
	return pools, projects
}

func TestReadPicks_RanksInOrderPutInTheirPools(t *testing.T) {
	t.Parallel()
	pools, projects := ballotPools()
	city, sm, pg := pools[0].ID, pools[1].ID, pools[2].ID
	c, d := "city-"+city.String(), "district"
	form := url.Values{
		c: {projects[city][2].ID.String()}, c + "-2": {""}, c + "-3": {projects[city][0].ID.String()},
		d: {projects[sm][1].ID.String()}, d + "-2": {projects[pg][0].ID.String()}, d + "-3": {"not an id"},
	}
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	picks, chosen := readPicks(r, pools, projects)
	// An empty rank is skipped; each district's project goes to its own
	// pool and an unknown one to none: the service judges the ballot.
	require.Equal(t, map[uuid.UUID][]uuid.UUID{
		city:     {projects[city][2].ID, projects[city][0].ID},
		sm:       {projects[sm][1].ID},
		pg:       {projects[pg][0].ID},
		uuid.Nil: {uuid.Nil},
	}, picks)
	require.Equal(t, []string{projects[city][2].ID.String(), "", projects[city][0].ID.String()}, chosen[c])
	require.Equal(t, []string{projects[sm][1].ID.String(), projects[pg][0].ID.String(), "not an id"}, chosen[d])
}

func TestBallotFail_TheServiceErrorNextToItsGroup(t *testing.T) {
	t.Parallel()
	pools, _ := ballotPools()
	ctx := inLocale(i18n.PL)
	h := &Handler{}
	for _, c := range []struct {
		name  string
		err   error
		mode  string
		field string
	}{
		{"a city-wide pool's rule", apperr.Invalid("picks", "ballot.pick_repeated").With(map[string]any{"pool": "Ogólnomiejska", "count": 3}), "",
			"city-" + pools[0].ID.String()},
		{"a district pool's rule", apperr.Invalid("picks", "ballot.picks_exactly").With(map[string]any{"pool": "Podgórze", "count": 3}), "", "district"},
		{"a second district", apperr.Invalid("picks", "ballot.pool_not_allowed"), "", "district"},
		{"an empty ballot", apperr.Invalid("picks", "ballot.empty"), "", ""},
		{"a wrong code", budget.ErrCodeInvalid, "", "code"},
		{"a wrong key of the ballot to change", budget.ErrKeyMismatch, "change", "currentKey"},
		{"a malformed key of the ballot to change", apperr.Invalid("ballotKey", "ballot.key_invalid"), "change", "currentKey"},
		{"a malformed new key: the form's", apperr.Invalid("ballotKey", "ballot.key_invalid"), "", ""},
		{"already voted", budget.ErrAlreadyVoted, "", ""},
	} {
		f := newForm(append(append([]string{}, ballotFields...), "district", "city-"+pools[0].ID.String())...)
		f.Values["mode"] = c.mode
		status := h.ballotFail(ctx, f, c.err, pools)
		require.Equal(t, statusOf(apperr.CodeOf(c.err)), status, c.name)
		var ae *apperr.Error
		require.ErrorAs(t, c.err, &ae)
		msg := i18n.T(i18n.PL, ae.Key, ae.Args)
		if c.field == "" {
			require.Equal(t, msg, f.Error, c.name)
			require.Empty(t, f.Errors, c.name)
		} else {
			require.Equal(t, map[string]string{c.field: msg}, f.Errors, c.name)
			require.Empty(t, f.Error, c.name)
		}
	}
}

func TestBudgetRoutes_MalformedPathsAreNotFound(t *testing.T) {
	t.Parallel()
	h := New(Services{}, Config{})
	for _, p := range []string{"/budget/projects/x", "/budget/x/vote", "/budget/x/results", "/budget/x/elsewhere", "/budget/x"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, p, nil))
		require.Equal(t, http.StatusNotFound, w.Code, p)
	}
}
