-- Every source record that reported an action, with its own figures. Grain: one
-- row per source record (feed, record key).
with

action_sources as (
    select * from core.action_sources
),

renamed as (
    select
        action_id,
        record_action_id,
        feed,
        record_key,
        source,
        source_record_id,
        source_url,
        coalesce(source_kind, 'structured') as source_kind,
        currency,
        amount_qualifier,
        amount,
        amount_usd,
        amount_eur,
        reported_usd,
        reported_eur,
        source_line,
        action_id = record_action_id as is_anchor,
        decision_date,
        reported_date,
        batch_date
    from action_sources
)

select * from renamed
