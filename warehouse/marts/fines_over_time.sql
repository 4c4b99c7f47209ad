-- Fines per month, quarter and year, by jurisdiction and platform, with
-- running totals. Grain: period_grain x period_start_date x jurisdiction x
-- platform; only periods with at least one action have a row.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

monthly as (
    select
        'month' as period_grain,
        jurisdiction,
        platform,
        count(*) as action_count,
        count(*) filter (where is_monetary) as fine_count,
        count(*) filter (where is_monetary and not is_converted)
            as unconverted_fine_count,
        coalesce(sum(fine_amount_usd), 0)::decimal(38, 2) as total_fines_usd,
        coalesce(sum(fine_amount_eur), 0)::decimal(38, 2) as total_fines_eur,
        coalesce(sum(fine_amount_usd_real), 0)::decimal(38, 2)
            as total_fines_usd_real,
        decision_month as period_start_date
    from actions
    group by jurisdiction, platform, decision_month
),

quarterly as (
    select
        'quarter' as period_grain,
        jurisdiction,
        platform,
        sum(action_count) as action_count,
        sum(fine_count) as fine_count,
        sum(unconverted_fine_count) as unconverted_fine_count,
        sum(total_fines_usd)::decimal(38, 2) as total_fines_usd,
        sum(total_fines_eur)::decimal(38, 2) as total_fines_eur,
        sum(total_fines_usd_real)::decimal(38, 2) as total_fines_usd_real,
        date_trunc('quarter', period_start_date)::date as period_start_date
    from monthly
    group by jurisdiction, platform, date_trunc('quarter', period_start_date)
),

yearly as (
    select
        'year' as period_grain,
        jurisdiction,
        platform,
        sum(action_count) as action_count,
        sum(fine_count) as fine_count,
        sum(unconverted_fine_count) as unconverted_fine_count,
        sum(total_fines_usd)::decimal(38, 2) as total_fines_usd,
        sum(total_fines_eur)::decimal(38, 2) as total_fines_eur,
        sum(total_fines_usd_real)::decimal(38, 2) as total_fines_usd_real,
        date_trunc('year', period_start_date)::date as period_start_date
    from monthly
    group by jurisdiction, platform, date_trunc('year', period_start_date)
),

periods as (
    select * from monthly
    union all by name
    select * from quarterly
    union all by name
    select * from yearly
),

with_running_totals as (
    select
        period_grain,
        jurisdiction,
        platform,
        action_count::bigint as action_count,
        fine_count::bigint as fine_count,
        unconverted_fine_count::bigint as unconverted_fine_count,
        total_fines_usd,
        total_fines_eur,
        total_fines_usd_real,
        sum(total_fines_usd) over series::decimal(38, 2)
            as running_total_fines_usd,
        sum(total_fines_eur) over series::decimal(38, 2)
            as running_total_fines_eur,
        sum(total_fines_usd_real) over series::decimal(38, 2)
            as running_total_fines_usd_real,
        year(period_start_date) as decision_year,
        period_start_date
    from periods
    window series as (
        partition by period_grain, jurisdiction, platform
        order by period_start_date asc
        rows between unbounded preceding and current row
    )
)

select * from with_running_totals
order by period_grain asc, period_start_date asc, jurisdiction asc, platform asc
