-- Every source that reported an action. Grain: one row per action and source
-- record (feed, record key).
with

action_sources as (
    select * from core.action_sources
),

renamed as (
    select
        action_id,
        feed,
        record_key,
        source,
        source_record_id,
        source_url,
        source_line,
        batch_date
    from action_sources
)

select * from renamed
