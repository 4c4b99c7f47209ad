-- What runs added, corrected or annulled, newest first, with the action's
-- current platform, jurisdiction and authority. Grain: one row per change.
with

action_changes as (
    select * from staging.stg_ops__action_changes
),

actions as (
    select * from staging.stg_core__enforcement_actions
),

-- Runs ordered by their last change: run_rank 1 is the latest run that
-- changed something.
ranked as (
    select
        *,
        max(change_seq) over (partition by run_id) as run_last_change_seq
    from action_changes
),

described as (
    select
        ranked.change_seq,
        ranked.run_id,
        ranked.feed,
        ranked.action_id,
        ranked.change_type,
        ranked.field,
        ranked.old_value,
        ranked.new_value,
        actions.platform,
        actions.jurisdiction,
        actions.authority,
        actions.action_type,
        actions.currency,
        actions.amount,
        dense_rank() over (order by ranked.run_last_change_seq desc)
            as run_rank,
        ranked.batch_date,
        actions.decision_date
    from ranked
    left join actions
        on ranked.current_action_id = actions.action_id
)

select * from described
order by change_seq desc
