-- Fines per decision quarter and jurisdiction, for a stacked chart. Grain: one
-- row per quarter and jurisdiction.
with

over_time as (
    select * from marts.fines_over_time
    where period_grain = 'quarter'
),

per_jurisdiction as (
    select
        jurisdiction,
        decision_year || '-Q' || quarter(period_start_date) as period,
        sum(fine_count) as fine_count,
        sum(total_fines_usd)::double as total_fines_usd
    from over_time
    group by jurisdiction, decision_year, quarter(period_start_date)
)

select * from per_jurisdiction
order by period asc, jurisdiction asc
