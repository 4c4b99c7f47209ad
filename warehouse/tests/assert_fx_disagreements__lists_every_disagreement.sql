-- The mart lists exactly the converted actions whose USD or EUR value is more
-- than 5% off the figure their source printed.
with

expected as (
    select action_id
    from staging.stg_core__enforcement_actions
    where
        is_converted
        and (
            abs(amount_usd / nullif(reported_usd, 0) - 1) > 0.05
            or abs(amount_eur / nullif(reported_eur, 0) - 1) > 0.05
        )
),

listed as (
    select action_id from marts.fx_disagreements
)

select action_id from expected
where action_id not in (select action_id from listed)
union all
select action_id from listed
where action_id not in (select action_id from expected)
