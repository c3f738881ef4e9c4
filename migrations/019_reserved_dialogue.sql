-- Reserved: 019 is internal/dialogue's migration (branch bodies), written in
-- parallel. This placeholder only keeps the numbering whole so that 020 runs
-- on this branch; it changes nothing and is deleted when 019 lands (tern
-- refuses two migrations numbered 19, so the merge cannot keep both).
select 1;
