-- Fines and other actions per authority, in USD and EUR. Grain: one row per
-- jurisdiction and authority (as the source names it).
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

per_authority as (
    select
        jurisdiction,
        authority,
        string_agg(distinct platform, ', ' order by platform) as platforms,
        count(distinct platform) as platform_count,
        count(*) as action_count,
        count(*) filter (where is_monetary) as fine_count,
        count(*) filter (where not is_monetary) as non_monetary_count,
        count(*) filter (where is_monetary and not is_converted)
            as unconverted_fine_count,
        count(*) filter (where is_monetary and is_appealed)
            as appealed_fine_count,
        count(*) filter (where is_monetary and is_annulled)
            as annulled_fine_count,
        coalesce(sum(fine_amount_usd), 0)::decimal(38, 2) as total_fines_usd,
        coalesce(sum(fine_amount_eur), 0)::decimal(38, 2) as total_fines_eur,
        coalesce(sum(fine_amount_usd_real), 0)::decimal(38, 2)
            as total_fines_usd_real,
        max(fine_amount_usd) as largest_fine_usd,
        max(fine_amount_eur) as largest_fine_eur,
        min(decision_date) as first_decision_date,
        max(decision_date) as last_decision_date
    from actions
    group by jurisdiction, authority
)

select * from per_authority
order by total_fines_usd desc, jurisdiction asc, authority asc
