-- Annulled fines and outliers carry no amount that totals would add up.
select action_id
from staging.stg_core__enforcement_actions
where
    (status = 'annulled' or is_outlier or not is_monetary)
    and (fine_amount_usd is not null or fine_amount_eur is not null)
