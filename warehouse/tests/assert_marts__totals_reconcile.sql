-- Each mart's counts and totals equal those of the canonical facts.
with

enforcement_actions as (
    select
        *,
        action_type in ('fine', 'turnover_fine', 'periodic_penalty')
        and not coalesce(is_outlier, false) as is_fine
    from core.enforcement_actions
),

facts as (
    select
        'core.enforcement_actions' as model,
        count(*) as actions,
        coalesce(sum(amount_usd) filter (where is_fine), 0) as usd,
        coalesce(sum(amount_eur) filter (where is_fine), 0) as eur
    from enforcement_actions
),

marts as (
    select
        'marts.fines_by_platform' as model,
        coalesce(sum(action_count), 0) as actions,
        coalesce(sum(total_fines_usd), 0) as usd,
        coalesce(sum(total_fines_eur), 0) as eur
    from marts.fines_by_platform
    union all
    select
        'marts.fines_over_time' as model,
        coalesce(sum(action_count), 0) as actions,
        coalesce(sum(total_fines_usd), 0) as usd,
        coalesce(sum(total_fines_eur), 0) as eur
    from marts.fines_over_time
)

select marts.model
from marts
cross join facts
where
    marts.actions != facts.actions
    or marts.usd != facts.usd
    or marts.eur != facts.eur
