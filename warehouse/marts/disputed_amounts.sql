-- Actions whose sources disagree on the amount, with every figure and who gave
-- it (docs/identity.md). Grain: one row per disputed action and source record.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

action_sources as (
    select * from staging.stg_core__action_sources
),

disputed as (
    select * from actions
    where amount_disputed
),

figures as (
    select
        disputed.action_id,
        action_sources.feed,
        action_sources.record_key,
        disputed.platform,
        disputed.jurisdiction,
        disputed.authority,
        disputed.currency,
        action_sources.source,
        action_sources.source_kind,
        action_sources.source_url,
        action_sources.currency as reported_currency,
        action_sources.amount_qualifier as reported_qualifier,
        disputed.amount as counted_amount,
        disputed.amount_low,
        disputed.amount_high,
        action_sources.amount as reported_amount,
        action_sources.amount_usd as reported_amount_usd,
        disputed.amount_usd as counted_amount_usd,
        action_sources.is_anchor as is_counted_figure,
        disputed.decision_date,
        action_sources.decision_date as reported_decision_date
    from disputed
    inner join action_sources
        on disputed.action_id = action_sources.action_id
)

select * from figures
order by action_id asc, is_counted_figure desc, feed asc, record_key asc
