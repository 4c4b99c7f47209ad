-- Running totals grow by each period's total and start from the first period.
with

fines_over_time as (
    select * from marts.fines_over_time
),

with_previous as (
    select
        period_grain,
        jurisdiction,
        platform,
        period_start_date,
        total_fines_usd,
        total_fines_eur,
        running_total_fines_usd,
        running_total_fines_eur,
        coalesce(
            lag(running_total_fines_usd) over series, 0
        ) as previous_usd,
        coalesce(
            lag(running_total_fines_eur) over series, 0
        ) as previous_eur
    from fines_over_time
    window series as (
        partition by period_grain, jurisdiction, platform
        order by period_start_date asc
    )
)

select * from with_previous
where
    running_total_fines_usd != previous_usd + total_fines_usd
    or running_total_fines_eur != previous_eur + total_fines_eur
