-- Platform names as reported that matched no known platform, with the
-- nearest known platforms, for review. Grain: one row per reported name.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

unresolved as (
    select
        platform_reported,
        -- Variants of one unknown name share one spelling
        -- (etl/loading/spellings.py).
        min(platform) as platform,
        string_agg(distinct feed, ', ' order by feed) as feeds,
        -- Candidates depend on the alias table of each load: the latest wins.
        arg_max_null(platform_candidates, (batch_date, action_id))
            as platform_candidates,
        count(*) as action_count,
        min(decision_date) as first_decision_date,
        max(decision_date) as last_decision_date
    from actions
    where not is_known_platform
    group by platform_reported
)

select * from unresolved
order by action_count desc, platform_reported asc
