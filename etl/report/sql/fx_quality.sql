-- How the amounts were converted: outcome, rate source and quality flag, with
-- the span of rate dates used. Grain: one row per outcome, source and flag.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

per_flag as (
    select
        fx_status,
        fx_source,
        fx_quality,
        count(*) as action_count,
        count(distinct currency) as currency_count,
        max(date_diff('day', fx_rate_date, decision_date)) as max_days_carried,
        min(fx_rate_date) as first_rate_date,
        max(fx_rate_date) as last_rate_date
    from actions
    group by fx_status, fx_source, fx_quality
)

select * from per_flag
order by action_count desc, fx_status asc, fx_source asc, fx_quality asc
