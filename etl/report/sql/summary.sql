-- Headline totals and counts of the report. Grain: one row.
with

by_platform as (
    select * from marts.fines_by_platform
),

by_authority as (
    select * from marts.fines_by_authority
),

platforms as (
    select
        count(*) as platform_count,
        count(distinct parent_company) as parent_company_count,
        sum(action_count) as action_count,
        sum(fine_count) as fine_count,
        sum(unconverted_fine_count) as unconverted_fine_count,
        sum(outlier_count) as outlier_count,
        sum(disputed_fine_count) as disputed_fine_count,
        sum(annulled_fine_count) as annulled_fine_count,
        sum(total_fines_usd) as total_fines_usd,
        sum(total_fines_eur) as total_fines_eur,
        max(largest_fine_usd) as largest_fine_usd,
        min(first_decision_date) as first_decision_date,
        max(last_decision_date) as last_decision_date
    from by_platform
),

authorities as (
    select
        count(*) as authority_count,
        count(distinct jurisdiction) as jurisdiction_count,
        sum(non_monetary_count) as non_monetary_count
    from by_authority
)

select * from platforms
cross join authorities
