-- Sources behind each action, folded into one row. Grain: one row per action.
with

action_sources as (
    select * from staging.stg_core__action_sources
),

-- Most actions have one source: their lists are just min(...). Sorted,
-- distinct lists are built only for the others, since doing that for every
-- one of a million small groups takes seconds.
per_action as (
    select
        action_id,
        min(source) as first_source,
        min(source_url) as first_source_url,
        count(*) as source_count
    from action_sources
    group by action_id
),

multi_source as (
    select
        action_sources.action_id,
        string_agg(
            distinct action_sources.source, '; '
            order by action_sources.source
        ) as sources,
        string_agg(
            distinct action_sources.source_url, ' '
            order by action_sources.source_url
        ) as source_urls
    from action_sources
    inner join per_action
        on action_sources.action_id = per_action.action_id
    where per_action.source_count > 1
    group by action_sources.action_id
),

combined as (
    select
        per_action.action_id,
        coalesce(multi_source.sources, per_action.first_source) as sources,
        coalesce(multi_source.source_urls, per_action.first_source_url)
            as source_urls,
        per_action.source_count
    from per_action
    left join multi_source
        on per_action.action_id = multi_source.action_id
)

select * from combined
