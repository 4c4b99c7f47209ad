-- One row per platform, never a null platform.
select
    platform,
    count(*) as row_count
from marts.fines_by_platform
group by platform
having count(*) > 1 or platform is null
