-- 014_budget_outreach: placeholder, filled in by its area.
select 1;
