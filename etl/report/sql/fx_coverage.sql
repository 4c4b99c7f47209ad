-- FX coverage of the facts: per currency of the amounts, how many were
-- converted, by which sources, and why the others were not. Grain: one row per
-- currency of a monetary action.
with

actions as (
    select * from staging.stg_core__enforcement_actions
    where is_monetary
),

per_currency as (
    select
        currency,
        string_agg(distinct fx_source, ', ' order by fx_source) as fx_sources,
        string_agg(distinct fx_note, '; ' order by fx_note) as fx_notes,
        count(*) as fine_count,
        count(*) filter (where is_converted) as converted_count,
        count(*) filter (where not is_converted) as unconverted_count,
        count(*) filter (where fx_quality != 'exact_day') as not_exact_day_count,
        min(decision_date) as first_decision_date,
        max(decision_date) as last_decision_date
    from actions
    group by currency
)

select * from per_currency
order by unconverted_count desc, fine_count desc, currency asc
