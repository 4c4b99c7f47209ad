-- Rows of each run by outcome, for a stacked chart. Grain: one row per run and
-- outcome (the latest 30 runs).
with

run_log as (
    select * from staging.stg_ops__run_log
),

per_run as (
    select
        run_id,
        sum(loaded) as loaded,
        sum(duplicates) as duplicates,
        sum(quarantined) as quarantined,
        sum(held_back) as held_back,
        max(batch_date) as batch_date
    from run_log
    group by run_id
    order by batch_date desc, run_id desc
    limit 30
),

outcomes as (
    unpivot per_run
    on loaded, duplicates, quarantined, held_back
    into name outcome value row_count
)

select * from outcomes
order by batch_date asc, run_id asc, outcome asc
