-- The largest converted fines, with every source link and the rate behind
-- each figure. Grain: one row per fine (the top 25 by USD value).
with

largest_fines as (
    select * from marts.largest_fines
),

top as (
    select
        overall_rank,
        platform,
        parent_company,
        jurisdiction,
        authority,
        action_type,
        status,
        currency,
        fx_source,
        sources,
        string_split(coalesce(source_urls, source_url, ''), ' ') as source_urls,
        amount,
        amount_usd,
        amount_eur,
        fx_rate_usd,
        fx_rate_eur,
        source_count,
        amount_disputed,
        decision_date,
        fx_rate_date
    from largest_fines
    where overall_rank <= 25
)

select * from top
order by overall_rank asc, decision_date asc, platform asc
