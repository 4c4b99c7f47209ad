-- Converted fines ranked by USD value, with every source that reported them.
-- Grain: one row per fine (outliers and annulled fines excluded).
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

action_sources as (
    select * from core.int_action_sources_aggregated
),

fines as (
    select * from actions
    where is_monetary and is_converted and not is_outlier and not is_annulled
),

-- Ranked on the three columns ranks need, then joined back: a window over
-- every column of the mart sorts whole rows.
ranks as (
    select
        action_id,
        rank() over (order by fine_amount_usd desc) as overall_rank,
        rank() over (
            partition by platform order by fine_amount_usd desc
        ) as platform_rank
    from fines
),

ranked as (
    select
        fines.action_id,
        fines.platform,
        fines.parent_company,
        fines.jurisdiction,
        fines.authority,
        fines.action_type,
        fines.violation,
        fines.status,
        fines.currency,
        fines.fx_source,
        fines.source_url,
        action_sources.sources,
        action_sources.source_urls,
        fines.amount,
        fines.amount_low,
        fines.amount_high,
        fines.fine_amount_usd as amount_usd,
        fines.fine_amount_eur as amount_eur,
        fines.fine_amount_usd_real as amount_usd_real,
        fines.fx_rate_usd,
        fines.fx_rate_eur,
        coalesce(action_sources.source_count, 0) as source_count,
        ranks.overall_rank,
        ranks.platform_rank,
        fines.amount_disputed,
        fines.decision_date,
        fines.fx_rate_date
    from fines
    inner join ranks
        on fines.action_id = ranks.action_id
    left join action_sources
        on fines.action_id = action_sources.action_id
)

select * from ranked
order by overall_rank asc, action_id asc
