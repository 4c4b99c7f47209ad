-- One row per fine, never a null id.
select
    action_id,
    count(*) as row_count
from marts.largest_fines
group by action_id
having count(*) > 1 or action_id is null
