-- Blocks, throttling, orders, warnings and other actions without a fine.
-- Grain: one row per non-monetary action.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

non_monetary as (
    select
        action_id,
        platform,
        parent_company,
        jurisdiction,
        authority,
        action_type,
        violation,
        legal_basis,
        status,
        source_url,
        decision_year,
        decision_date,
        decision_month as decision_month_start_date
    from actions
    where not is_monetary
)

select * from non_monetary
order by decision_date asc, action_id asc
