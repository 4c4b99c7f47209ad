-- Every converted action carries both values, its rate date and its source.
select action_id
from core.enforcement_actions
where
    fx_status = 'converted'
    and (
        amount_usd is null or amount_eur is null or fx_rate_date is null
        or fx_source is null or fx_rate_date > decision_date
    )
