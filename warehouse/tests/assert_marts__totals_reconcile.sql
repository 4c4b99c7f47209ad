-- Each mart's counts and totals equal those of the canonical facts, derived
-- here from core.enforcement_actions on purpose (not from staging).
with

enforcement_actions as (
    select
        *,
        action_type in ('fine', 'turnover_fine', 'periodic_penalty')
        and not coalesce(is_outlier, false)
        and status != 'annulled' as is_fine
    from core.enforcement_actions
    -- a total whose parts are actions of their own is counted through them
    where not coalesce(is_total_of_parts, false)
),

facts as (
    select
        count(*) as actions,
        coalesce(sum(amount_usd) filter (where is_fine), 0) as usd,
        coalesce(sum(amount_eur) filter (where is_fine), 0) as eur
    from enforcement_actions
),

converted_fines as (
    select
        count(*) as actions,
        coalesce(sum(amount_usd), 0) as usd,
        coalesce(sum(amount_eur), 0) as eur
    from enforcement_actions
    where is_fine and fx_status = 'converted'
),

marts as (
    select
        'marts.fines_by_platform' as model_name,
        coalesce(sum(action_count), 0) as actions,
        coalesce(sum(total_fines_usd), 0) as usd,
        coalesce(sum(total_fines_eur), 0) as eur
    from marts.fines_by_platform
    union all
    select
        'marts.fines_by_authority' as model_name,
        coalesce(sum(action_count), 0) as actions,
        coalesce(sum(total_fines_usd), 0) as usd,
        coalesce(sum(total_fines_eur), 0) as eur
    from marts.fines_by_authority
    union all
    select
        'marts.fines_over_time ' || grains.period_grain as model_name,
        coalesce(sum(over_time.action_count), 0) as actions,
        coalesce(sum(over_time.total_fines_usd), 0) as usd,
        coalesce(sum(over_time.total_fines_eur), 0) as eur
    from (values ('month'), ('quarter'), ('year')) as grains (period_grain)
    left join marts.fines_over_time as over_time
        on grains.period_grain = over_time.period_grain
    group by grains.period_grain
),

converted_marts as (
    select
        'marts.largest_fines' as model_name,
        count(*) as actions,
        coalesce(sum(amount_usd), 0) as usd,
        coalesce(sum(amount_eur), 0) as eur
    from marts.largest_fines
),

failures as (
    select marts.model_name
    from marts
    cross join facts
    where
        marts.actions != facts.actions
        or marts.usd != facts.usd
        or marts.eur != facts.eur
    union all
    select converted_marts.model_name
    from converted_marts
    cross join converted_fines
    where
        converted_marts.actions != converted_fines.actions
        or converted_marts.usd != converted_fines.usd
        or converted_marts.eur != converted_fines.eur
)

select * from failures
