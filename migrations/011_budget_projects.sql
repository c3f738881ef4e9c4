-- 011_budget_projects: placeholder, filled in by its area.
select 1;
