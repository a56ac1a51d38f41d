-- admission_dates: the first and last admission date, the bounds of the date filter.
-- Grain: one row.
select
    min(admission_date) as first_admission_date,
    max(admission_date) as last_admission_date
from marts.episodes
