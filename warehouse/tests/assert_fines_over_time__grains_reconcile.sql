-- Per jurisdiction, platform and year, the month, quarter and year rows of
-- marts.fines_over_time carry the same counts and totals.
with

fines_over_time as (
    select * from marts.fines_over_time
),

per_year as (
    select
        jurisdiction,
        platform,
        decision_year,
        period_grain,
        sum(action_count) as actions,
        sum(fine_count) as fines,
        sum(unconverted_fine_count) as unconverted,
        sum(total_fines_usd) as usd,
        sum(total_fines_eur) as eur
    from fines_over_time
    group by jurisdiction, platform, decision_year, period_grain
),

compared as (
    select
        jurisdiction,
        platform,
        decision_year,
        count(*) as grain_count,
        min(actions) != max(actions) as actions_differ,
        min(fines) != max(fines) as fines_differ,
        min(unconverted) != max(unconverted) as unconverted_differ,
        min(usd) != max(usd) as usd_differ,
        min(eur) != max(eur) as eur_differ
    from per_year
    group by jurisdiction, platform, decision_year
)

select * from compared
where
    grain_count != 3
    or actions_differ
    or fines_differ
    or unconverted_differ
    or usd_differ
    or eur_differ
