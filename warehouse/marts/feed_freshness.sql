-- Freshness of each feed: its last run, last successful run and latest
-- decision. Grain: one row per feed.
with

run_log as (
    select * from staging.stg_ops__run_log
),

action_sources as (
    select * from staging.stg_core__action_sources
),

actions as (
    select * from staging.stg_core__enforcement_actions
),

-- No run log timestamp exists: runs are ordered by batch date, then run id.
runs as (
    select
        feed,
        arg_max(run_id, (batch_date, run_id)) as last_run_id,
        arg_max(status, (batch_date, run_id)) as last_run_status,
        arg_max(error, (batch_date, run_id)) as last_run_error,
        arg_max(run_id, (batch_date, run_id)) filter (where is_successful)
            as last_successful_run_id,
        count(*) as run_count,
        count(*) filter (where is_successful) as successful_run_count,
        max(batch_date) as last_run_batch_date,
        max(batch_date) filter (where is_successful)
            as last_successful_batch_date
    from run_log
    group by feed
),

decisions as (
    select
        action_sources.feed,
        count(distinct action_sources.action_id) as action_count,
        min(actions.decision_date) as first_decision_date,
        max(actions.decision_date) as last_decision_date
    from action_sources
    inner join actions
        on action_sources.action_id = actions.action_id
    group by action_sources.feed
),

freshness as (
    select
        coalesce(runs.feed, decisions.feed) as feed,
        runs.last_run_id,
        runs.last_run_status,
        runs.last_run_error,
        runs.last_successful_run_id,
        coalesce(runs.run_count, 0) as run_count,
        coalesce(runs.successful_run_count, 0) as successful_run_count,
        coalesce(decisions.action_count, 0) as action_count,
        date_diff(
            'day', decisions.last_decision_date, runs.last_successful_batch_date
        ) as days_from_last_decision_to_last_success,
        coalesce(runs.last_run_status = 'ok', false)
            as is_last_run_successful,
        decisions.first_decision_date,
        decisions.last_decision_date,
        runs.last_run_batch_date,
        runs.last_successful_batch_date
    from runs
    full outer join decisions
        on runs.feed = decisions.feed
)

select * from freshness
order by feed asc
