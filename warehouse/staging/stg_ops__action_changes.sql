-- What each run changed in the facts. Grain: one row per change (an action
-- added, annulled or merged into another, or one field changed).
with

action_changes as (
    select * from ops.action_changes
),

typed as (
    select
        change_seq,
        run_id,
        feed,
        action_id,
        change_type,
        field,
        old_value,
        new_value,
        -- Where the action's records went when it stopped existing.
        case
            when change_type = 'merged' then coalesce(new_value, action_id)
            else action_id
        end as current_action_id,
        batch_date
    from action_changes
)

select * from typed
