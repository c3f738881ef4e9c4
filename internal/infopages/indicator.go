package infopages

import (
	"context"
	"fmt"
	"time"

	"github.com/otwarty/otwarty/internal/db"
)

// TranslatedProcedures is the number of procedure pages that were published
// at asOf and had, at asOf, at least one translation into a language other
// than Polish that was current then: the latest version of that translation
// made by asOf translated the latest version of the Polish original made by
// asOf. A translation outdated at asOf does not count, even if it was
// renewed later; one renewed by asOf counts again.
func TranslatedProcedures(ctx context.Context, q db.Querier, asOf time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, `
		with published as (
			select p.id from infopages p
			 where p.kind = 'procedure'
			   and (select e.status from infopage_status_events e
			         where e.page_id = p.id and e.at <= $1 order by e.at desc, e.seq desc limit 1) = 'published'
		), original as (
			select page_id, max(version) as version from infopage_originals where created_at <= $1 group by page_id
		), translation as (
			select distinct on (page_id, language) page_id, language, based_on
			  from infopage_translations where created_at <= $1 and language !~* '^pl($|-)'
			 order by page_id, language, version desc
		)
		select count(*) from published p
		 where exists (select 1 from translation t join original o using (page_id)
		                where t.page_id = p.id and t.based_on = o.version)`, asOf).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("translated procedures: %w", err)
	}
	return n, nil
}

// TranslatedNow is TranslatedProcedures at the service's clock.
func (s *Service) TranslatedNow(ctx context.Context) (int, error) {
	return TranslatedProcedures(ctx, s.pool, s.now())
}
