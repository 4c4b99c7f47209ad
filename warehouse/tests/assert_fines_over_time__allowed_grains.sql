-- Each row's grain is month, quarter or year, and its period starts on the
-- first day of that grain.
select
    period_grain,
    period_start_date,
    jurisdiction,
    platform
from marts.fines_over_time
where
    period_grain not in ('month', 'quarter', 'year')
    or period_grain is null
    or period_start_date is null
    or date_trunc(period_grain, period_start_date) != period_start_date
    or decision_year != year(period_start_date)
