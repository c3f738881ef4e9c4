-- 012_budget_voting: placeholder, filled in by its area.
select 1;
