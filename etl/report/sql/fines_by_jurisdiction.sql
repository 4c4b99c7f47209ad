-- Fines and other actions per jurisdiction. Grain: one row per jurisdiction.
with

by_authority as (
    select * from marts.fines_by_authority
),

per_jurisdiction as (
    select
        jurisdiction,
        count(*) as authority_count,
        sum(action_count) as action_count,
        sum(fine_count) as fine_count,
        sum(non_monetary_count) as non_monetary_count,
        sum(total_fines_usd) as total_fines_usd,
        sum(total_fines_eur) as total_fines_eur
    from by_authority
    group by jurisdiction
)

select * from per_jurisdiction
order by total_fines_usd desc, jurisdiction asc
