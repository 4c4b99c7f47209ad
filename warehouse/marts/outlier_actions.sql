-- Actions whose amount is beyond any plausible fine, kept exact and out of
-- totals. Grain: one row per outlier action.
with

actions as (
    select * from staging.stg_core__enforcement_actions
),

outliers as (
    select
        action_id,
        platform,
        jurisdiction,
        authority,
        action_type,
        currency,
        amount_exact,
        source_url,
        fx_note,
        amount_usd,
        decision_date
    from actions
    where is_outlier
)

select * from outliers
order by decision_date asc, action_id asc
