-- Fines per decision year and platform, for a stacked chart. Grain: one row
-- per year and platform.
with

over_time as (
    select * from marts.fines_over_time
    where period_grain = 'year'
),

per_platform as (
    select
        platform,
        decision_year::varchar as period,
        sum(fine_count) as fine_count,
        sum(total_fines_usd)::double as total_fines_usd
    from over_time
    group by platform, decision_year
)

select * from per_platform
order by period asc, platform asc
