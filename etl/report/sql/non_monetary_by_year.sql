-- Non-monetary actions per decision year and type, for a stacked chart.
-- Grain: one row per year and action type.
with

non_monetary_actions as (
    select * from marts.non_monetary_actions
),

per_year as (
    select
        action_type,
        decision_year::varchar as period,
        count(*) as action_count
    from non_monetary_actions
    group by action_type, decision_year
)

select * from per_year
order by period asc, action_type asc
