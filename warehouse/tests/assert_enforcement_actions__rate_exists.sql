-- Every rate date and source on an action matches a stored rate of its
-- currency.
select actions.action_id
from core.enforcement_actions as actions
left join core.fx_rates as rates
    on
        actions.fx_source = rates.source
        and actions.currency = rates.currency
        and actions.fx_rate_date = rates.rate_date
where actions.fx_status = 'converted' and rates.currency is null
