-- Pairs of source records that may report the same decision (docs/identity.md): same
-- platform and jurisdiction, decision dates at most $window days apart, and not two records
-- of one structured source. etl.identity decides which pairs really are one decision.
with

blocks as (
    select * from affected_blocks
),

records as (
    select
        action_sources.*,
        regexp_replace(
            coalesce(action_sources.source_record_id, action_sources.record_key),
            '#\d+$', ''
        ) as document
    from core.action_sources as action_sources
    inner join blocks
        on action_sources.platform = blocks.platform
        and action_sources.jurisdiction = blocks.jurisdiction
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
