-- One row per reported name, never a null name.
select
    platform_reported,
    count(*) as row_count
from marts.unresolved_platforms
group by platform_reported
having count(*) > 1 or platform_reported is null
