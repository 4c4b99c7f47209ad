-- Converted fines ranked by USD value, with sources. Grain: one row per fine.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

ranked as (
    select
        action_id,
        platform,
        parent_company,
        jurisdiction,
        authority,
        action_type,
        currency,
        fx_source,
        source_url,
        amount,
        fine_amount_usd as amount_usd,
        fine_amount_eur as amount_eur,
        rank() over (order by fine_amount_usd desc) as overall_rank,
        rank() over (
            partition by platform order by fine_amount_usd desc
        ) as platform_rank,
        decision_date,
        fx_rate_date
    from actions
    where is_monetary and is_converted and not is_outlier
)

select * from ranked
order by overall_rank asc, action_id asc
