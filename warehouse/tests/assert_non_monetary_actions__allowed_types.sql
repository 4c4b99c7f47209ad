-- Only non-monetary action types, one row per action, and every one of them.
with

non_monetary_actions as (
    select * from marts.non_monetary_actions
),

enforcement_actions as (
    select * from core.enforcement_actions
    where action_type in ('block', 'throttle', 'warning', 'order', 'other')
),

wrong_type as (
    select action_id
    from non_monetary_actions
    where
        action_type not in ('block', 'throttle', 'warning', 'order', 'other')
        or action_type is null
),

duplicated as (
    select action_id
    from non_monetary_actions
    group by action_id
    having count(*) > 1
),

missing as (
    select enforcement_actions.action_id
    from enforcement_actions
    left join non_monetary_actions
        on enforcement_actions.action_id = non_monetary_actions.action_id
    where non_monetary_actions.action_id is null
),

failures as (
    select * from wrong_type
    union all
    select * from duplicated
    union all
    select * from missing
)

select * from failures
