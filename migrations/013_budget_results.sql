-- 013_budget_results: placeholder, filled in by its area.
select 1;
