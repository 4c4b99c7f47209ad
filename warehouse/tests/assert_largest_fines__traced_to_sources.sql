-- Every ranked fine has a source, converted amounts, a rate and a rate date.
select action_id
from marts.largest_fines
where
    source_count < 1
    or sources is null
    or amount_usd is null
    or amount_eur is null
    or fx_rate_usd is null
    or fx_rate_eur is null
    or fx_rate_date is null
    or fx_rate_date > decision_date
