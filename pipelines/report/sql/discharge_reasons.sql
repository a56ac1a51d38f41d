-- discharge_reasons: the discharge reason code list (TEDS REASON codes 1-7 and administrative).
-- Grain: one row per reason, in report order (seed pipelines/seeds/discharge_reasons.csv).
select discharge_reason, teds_code, label, sort_order
from seeds.discharge_reasons
order by sort_order
