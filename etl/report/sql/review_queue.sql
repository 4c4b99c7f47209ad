-- News items waiting for a person's decision (`fines review`), with the
-- fields extraction proposed. Grain: one row per waiting item.
with

quarantine as (
    select * from ops.quarantine
),

review_decisions as (
    select * from ops.review_decisions
),

waiting as (
    select
        quarantine.quarantine_id,
        quarantine.feed,
        json_extract_string(quarantine.payload, '$.platform') as platform,
        json_extract_string(quarantine.payload, '$.jurisdiction')
            as jurisdiction,
        json_extract_string(quarantine.payload, '$.authority') as authority,
        json_extract_string(quarantine.payload, '$.amount') as amount,
        json_extract_string(quarantine.payload, '$.currency') as currency,
        coalesce(
            json_extract_string(quarantine.payload, '$.source_text'),
            json_extract_string(quarantine.payload, '$.item_title')
        ) as sentence,
        json_extract_string(quarantine.payload, '$.source_url') as source_url,
        quarantine.reasons,
        json_extract_string(quarantine.payload, '$.decision_date')
            as decision_date,
        quarantine.batch_date,
        quarantine.source_file,
        quarantine.source_line
    from quarantine
    anti join review_decisions
        on quarantine.quarantine_id = review_decisions.quarantine_id
    where quarantine.stage = 'review'
)

select * exclude (source_file, source_line) from waiting
order by batch_date asc, feed asc, source_file asc, source_line asc
