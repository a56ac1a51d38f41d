-- int_episode_spans: each admission numbered, with the client's next admission.
-- Grain: one row per admission. Intermediate: sessions and episodes both start from it.
with admissions as (
    select * from staging.stg_admissions
),

final as (
    select
        row_number() over (order by client_id, admission_date) as episode_id,
        row_number() over (partition by client_id order by admission_date) as episode_number,
        lead(admission_date) over (partition by client_id order by admission_date)
            as next_admission_date,
        *
    from admissions
)

select * from final
