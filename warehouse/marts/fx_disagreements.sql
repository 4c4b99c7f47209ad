-- Converted fines whose USD or EUR value differs by more than 5% from the
-- figure their own source printed (docs/fx.md). Grain: one row per action.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

compared as (
    select
        action_id,
        platform,
        jurisdiction,
        authority,
        currency,
        fx_source,
        fx_quality,
        source_url,
        amount,
        amount_usd,
        reported_usd,
        amount_usd / nullif(reported_usd, 0) - 1 as usd_relative_difference,
        amount_eur,
        reported_eur,
        amount_eur / nullif(reported_eur, 0) - 1 as eur_relative_difference,
        fx_rate_usd,
        fx_rate_eur,
        decision_date,
        fx_rate_date,
        fx_next_rate_date
    from actions
    where
        is_converted
        and (reported_usd is not null or reported_eur is not null)
),

-- 5%: beyond the rounding of a printed figure (two significant digits
-- stand for +-2.5%) and the gap between a morning market rate and a fixing.
disagreeing as (
    select
        *,
        abs(coalesce(usd_relative_difference, 0)) > 0.05
            as is_usd_beyond_threshold,
        abs(coalesce(eur_relative_difference, 0)) > 0.05
            as is_eur_beyond_threshold
    from compared
    where
        abs(coalesce(usd_relative_difference, 0)) > 0.05
        or abs(coalesce(eur_relative_difference, 0)) > 0.05
)

select * from disagreeing
order by decision_date asc, action_id asc
