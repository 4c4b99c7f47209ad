-- Fines per parent company (platforms as of each decision date). Grain: one
-- row per parent company.
with

by_platform as (
    select * from marts.fines_by_platform
),

per_parent as (
    select
        parent_company,
        string_agg(platform, ', ' order by platform) as platforms,
        sum(action_count) as action_count,
        sum(fine_count) as fine_count,
        sum(total_fines_usd) as total_fines_usd,
        sum(total_fines_eur) as total_fines_eur,
        max(largest_fine_usd) as largest_fine_usd
    from by_platform
    group by parent_company
)

select * from per_parent
order by total_fines_usd desc, parent_company asc
