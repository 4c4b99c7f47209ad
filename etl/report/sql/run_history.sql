-- Recent runs per feed with their reconciliation: rows in = loaded +
-- duplicates + quarantined + held back. Grain: one row per run and feed (the
-- latest 100).
with

run_log as (
    select * from staging.stg_ops__run_log
),

reconciled as (
    select
        run_id,
        feed,
        status,
        error,
        rows_in,
        loaded,
        duplicates,
        quarantined,
        awaiting_review,
        held_back,
        no_rate,
        rows_in = loaded + duplicates + quarantined + held_back as is_reconciled,
        batch_date
    from run_log
)

select * from reconciled
order by batch_date desc, run_id desc, feed asc
limit 100
