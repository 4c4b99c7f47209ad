-- Fines and other actions per authority, in USD and EUR. Grain: one row per
-- jurisdiction and authority (as the source names it).
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

-- Folded per platform first, so the platform list and count need no
-- distinct aggregate (one per authority is far slower over many authorities).
per_platform as (
    select
        jurisdiction,
        authority,
        platform,
        count(*) as action_count,
        count(*) filter (where is_monetary) as fine_count,
        count(*) filter (where not is_monetary) as non_monetary_count,
        count(*) filter (where is_monetary and not is_converted)
            as unconverted_fine_count,
        count(*) filter (where is_monetary and is_appealed)
            as appealed_fine_count,
        count(*) filter (where is_monetary and is_annulled)
            as annulled_fine_count,
        sum(fine_amount_usd) as total_fines_usd,
        sum(fine_amount_eur) as total_fines_eur,
        sum(fine_amount_usd_real) as total_fines_usd_real,
        max(fine_amount_usd) as largest_fine_usd,
        max(fine_amount_eur) as largest_fine_eur,
        min(decision_date) as first_decision_date,
        max(decision_date) as last_decision_date
    from actions
    group by jurisdiction, authority, platform
),

per_authority as (
    select
        jurisdiction,
        authority,
        string_agg(platform, ', ' order by platform) as platforms,
        count(platform) as platform_count,
        sum(action_count)::bigint as action_count,
        sum(fine_count)::bigint as fine_count,
        sum(non_monetary_count)::bigint as non_monetary_count,
        sum(unconverted_fine_count)::bigint as unconverted_fine_count,
        sum(appealed_fine_count)::bigint as appealed_fine_count,
        sum(annulled_fine_count)::bigint as annulled_fine_count,
        coalesce(sum(total_fines_usd), 0)::decimal(38, 2) as total_fines_usd,
        coalesce(sum(total_fines_eur), 0)::decimal(38, 2) as total_fines_eur,
        coalesce(sum(total_fines_usd_real), 0)::decimal(38, 2)
            as total_fines_usd_real,
        max(largest_fine_usd) as largest_fine_usd,
        max(largest_fine_eur) as largest_fine_eur,
        min(first_decision_date) as first_decision_date,
        max(last_decision_date) as last_decision_date
    from per_platform
    group by jurisdiction, authority
)

select * from per_authority
order by total_fines_usd desc, jurisdiction asc, authority asc
