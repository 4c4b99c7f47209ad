-- Outcome of each run per feed. Grain: one row per run and feed.
with

run_log as (
    select * from ops.run_log
),

flagged as (
    select
        run_id,
        feed,
        status,
        error,
        source_file,
        rows_in,
        loaded,
        duplicates,
        quarantined,
        no_rate,
        held_back,
        coalesce(awaiting_review, 0) as awaiting_review,
        status = 'ok' as is_successful,
        batch_date
    from run_log
)

select * from flagged
