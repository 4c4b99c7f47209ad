-- Stored exchange rates per source: how many currencies and days each covers.
-- Grain: one row per rate source.
select
    source,
    count(distinct currency) as currency_count,
    count(*) as rate_count,
    min(rate_date) as first_rate_date,
    max(rate_date) as last_rate_date
from core.fx_rates
group by source
order by source asc
