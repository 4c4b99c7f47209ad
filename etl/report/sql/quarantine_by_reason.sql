-- Rejected rows waiting in quarantine, by feed, stage and failed check (the
-- offending value cut off, so rows failing one rule group together). Grain:
-- one row per feed, stage and reason.
with

quarantine as (
    select * from ops.quarantine
),

reasons as (
    select
        feed,
        stage,
        regexp_replace(unnest(reasons), ' \(got .*\)$', '') as reason,
        quarantine_id,
        batch_date
    from quarantine
),

per_reason as (
    select
        feed,
        stage,
        reason,
        count(distinct quarantine_id) as row_count,
        min(batch_date) as first_batch_date,
        max(batch_date) as last_batch_date
    from reasons
    group by feed, stage, reason
)

select * from per_reason
order by row_count desc, feed asc, stage asc, reason asc
