-- Fines per month, jurisdiction and platform. Grain: month x jurisdiction x platform.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

per_month as (
    select
        jurisdiction,
        platform,
        count(*) as action_count,
        count(*) filter (where is_monetary) as fine_count,
        count(*) filter (where is_monetary and not is_converted)
            as unconverted_fine_count,
        coalesce(sum(fine_amount_usd), 0)::decimal(38, 2) as total_fines_usd,
        coalesce(sum(fine_amount_eur), 0)::decimal(38, 2) as total_fines_eur,
        decision_month as month_start_date,
        decision_quarter as quarter_start_date,
        decision_year
    from actions
    group by all
)

select * from per_month
order by month_start_date asc, jurisdiction asc, platform asc
