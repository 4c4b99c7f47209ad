-- One row per grain, period, jurisdiction and platform.
select
    period_grain,
    period_start_date,
    jurisdiction,
    platform,
    count(*) as row_count
from marts.fines_over_time
group by period_grain, period_start_date, jurisdiction, platform
having count(*) > 1
