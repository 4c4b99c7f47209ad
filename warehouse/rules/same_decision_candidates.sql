-- Pairs of source records that may report the same decision (docs/identity.md): same
-- platform and jurisdiction, decision dates at most $window days apart, and not two records
-- of one structured source. etl.loading.identity decides which pairs really are one decision.
with

blocks as (
    select * from affected_blocks
),

block_records as (
    select
        action_sources.*,
        regexp_replace(
            coalesce(action_sources.source_record_id, action_sources.record_key),
            '#\d+$', ''
        ) as document,
        -- who stands behind a record: one structured source never reports a
        -- decision twice, so all its records count as one origin
        case
            when action_sources.source_kind in ('official', 'structured')
                then 'source:' || action_sources.source
            else 'document:' || action_sources.feed || ':' || document
        end as origin
    from core.action_sources as action_sources
    inner join blocks
        on action_sources.platform = blocks.platform
        and action_sources.jurisdiction = blocks.jurisdiction
),

-- Only a block with two origins can hold two reports of one decision: a
-- million rows of one export never enter the pairwise join below.
contested_blocks as (
    select
        platform,
        jurisdiction
    from block_records
    group by platform, jurisdiction
    having count(distinct origin) > 1
),

records as (
    select block_records.*
    from block_records
    inner join contested_blocks
        on block_records.platform = contested_blocks.platform
        and block_records.jurisdiction = contested_blocks.jurisdiction
),

pairs as (
    select
        one.feed as feed_a,
        one.record_key as record_key_a,
        other.feed as feed_b,
        other.record_key as record_key_b
    from records as one
    inner join records as other
        on one.platform = other.platform
        and one.jurisdiction = other.jurisdiction
        and other.decision_date >= one.decision_date - $window
        and other.decision_date <= one.decision_date + $window
        and (one.feed, one.record_key) < (other.feed, other.record_key)
    where not (
        one.source_kind in ('official', 'structured')
        and other.source_kind in ('official', 'structured')
        and one.source = other.source
        and one.document != other.document
    )
)

select * from pairs
