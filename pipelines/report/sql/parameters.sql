-- parameters: the build parameters a report prints and uses.
-- Grain: one row (the database's data cut-off and follow-up window, meta.parameters).
select as_of, followup_window_days
from meta.parameters
