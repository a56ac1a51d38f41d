-- followups_due: the pending follow-ups of followups_pending.sql, the longest overdue first, then
-- by due date. $max_rows (null: all) keeps the first rows: a page lists the first ones and
-- counts them all with followups_due_counts (at 1M episodes 271,000 follow-ups are pending, and
-- moving them all to a page took longer than every other query on it, docs/performance.md).
-- Client-level: directors only (pipelines.access).
select * from ({followups_pending}) as pending
order by followup_state = 'overdue' desc, due_date, client_id
limit $max_rows
