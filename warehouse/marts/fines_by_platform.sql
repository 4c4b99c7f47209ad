-- Fines per platform across all feeds, in USD and EUR. Grain: one row per
-- platform.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

per_platform as (
    select
        platform,
        arg_max(parent_company, decision_date) as parent_company,
        string_agg(distinct jurisdiction, ', ' order by jurisdiction)
            as jurisdictions,
        count(*) as action_count,
        count(*) filter (where is_monetary) as fine_count,
        count(*) filter (where is_monetary and not is_converted)
            as unconverted_fine_count,
        count(*) filter (where is_outlier) as outlier_count,
        count(*) filter (where is_monetary and is_appealed)
            as appealed_fine_count,
        count(*) filter (where is_monetary and is_annulled)
            as annulled_fine_count,
        count(*) filter (where is_monetary and amount_disputed)
            as disputed_fine_count,
        count(distinct jurisdiction) as jurisdiction_count,
        coalesce(sum(fine_amount_usd), 0)::decimal(38, 2) as total_fines_usd,
        coalesce(sum(fine_amount_eur), 0)::decimal(38, 2) as total_fines_eur,
        coalesce(sum(fine_amount_usd_real), 0)::decimal(38, 2)
            as total_fines_usd_real,
        max(fine_amount_usd) as largest_fine_usd,
        max(fine_amount_eur) as largest_fine_eur,
        min(decision_date) as first_decision_date,
        max(decision_date) as last_decision_date
    from actions
    group by platform
)

select * from per_platform
order by total_fines_usd desc, platform asc
