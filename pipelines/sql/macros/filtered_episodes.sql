-- filtered_episodes: the episodes that pass the shared filter bar, with the compare-by group.
-- Grain: one row per episode. Every metric starts from this table macro, so a filter means the
-- same thing on every page. NULL for a filter means "all"; p_group names an allow-listed column
-- (checked in Python) whose value becomes group_value ('All' when NULL).
create or replace macro marts.filtered_episodes(
    p_date_from, p_date_to, p_quarters, p_tracks, p_sites, p_levels, p_medications, p_sexes,
    p_age_groups, p_race_ethnicities, p_group
) as table
select
    *,
    case p_group
        when 'track' then track
        when 'site' then site
        when 'level_of_care' then level_of_care
        when 'medication' then medication
        when 'sex' then sex
        when 'age_group' then age_group
        when 'race_ethnicity' then race_ethnicity
        when 'referral_source' then referral_source
        when 'primary_substance' then primary_substance
        when 'counselor' then counselor
        when 'discharge_reason' then coalesce(discharge_reason, 'active')
        when 'admission_month' then strftime(admission_month, '%Y-%m')
        when 'admission_quarter' then admission_quarter
        when 'admission_year' then admission_year::varchar
        else 'All'
    end as group_value
from marts.episodes
where (p_date_from is null or admission_date >= p_date_from)
    and (p_date_to is null or admission_date <= p_date_to)
    and (p_quarters is null or list_contains(p_quarters, admission_quarter))
    and (p_tracks is null or list_contains(p_tracks, track))
    and (p_sites is null or list_contains(p_sites, site))
    and (p_levels is null or list_contains(p_levels, level_of_care))
    and (p_medications is null or list_contains(p_medications, medication))
    and (p_sexes is null or list_contains(p_sexes, sex))
    and (p_age_groups is null or list_contains(p_age_groups, age_group))
    and (p_race_ethnicities is null or list_contains(p_race_ethnicities, race_ethnicity))
