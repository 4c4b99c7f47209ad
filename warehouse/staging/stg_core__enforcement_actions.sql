-- Canonical actions with derived flags and periods. Grain: one row per action.
with

enforcement_actions as (
    select * from core.enforcement_actions
),

flagged as (
    select
        action_id,
        feed,
        source,
        source_url,
        source_record_id,
        source_kind,
        jurisdiction,
        authority,
        platform,
        platform_reported,
        platform_candidates,
        coalesce(parent_company, platform) as parent_company,
        action_type,
        violation,
        legal_basis,
        currency,
        status,
        fx_status,
        fx_source,
        fx_quality,
        fx_note,
        amount,
        amount_usd,
        amount_eur,
        amount_usd_real,
        amount_exact,
        amount_qualifier,
        coalesce(amount_low, amount) as amount_low,
        coalesce(amount_high, amount) as amount_high,
        fx_rate_usd,
        fx_rate_eur,
        reported_usd,
        reported_eur,
        -- Outliers stay visible in marts.outlier_actions but out of default
        -- totals; annulled fines were never owed and stay out of them too.
        case
            when
                action_type in ('fine', 'turnover_fine', 'periodic_penalty')
                and not coalesce(is_outlier, false)
                and status != 'annulled'
                then amount_usd
        end as fine_amount_usd,
        case
            when
                action_type in ('fine', 'turnover_fine', 'periodic_penalty')
                and not coalesce(is_outlier, false)
                and status != 'annulled'
                then amount_eur
        end as fine_amount_eur,
        case
            when
                action_type in ('fine', 'turnover_fine', 'periodic_penalty')
                and not coalesce(is_outlier, false)
                and status != 'annulled'
                then amount_usd_real
        end as fine_amount_usd_real,
        action_type in ('fine', 'turnover_fine', 'periodic_penalty')
            as is_monetary,
        fx_status = 'converted' as is_converted,
        coalesce(is_outlier, false) as is_outlier,
        coalesce(is_known_platform, true) as is_known_platform,
        coalesce(amount_disputed, false) as amount_disputed,
        status = 'annulled' as is_annulled,
        status = 'appealed' as is_appealed,
        decision_date,
        reported_date,
        fx_rate_date,
        fx_next_rate_date,
        batch_date,
        date_trunc('month', decision_date)::date as decision_month,
        date_trunc('quarter', decision_date)::date as decision_quarter,
        year(decision_date) as decision_year
    from enforcement_actions
    -- A total reported by one source whose parts are actions of their own
    -- (core.action_parts) is counted through its parts, never twice.
    where not coalesce(is_total_of_parts, false)
)

select * from flagged
