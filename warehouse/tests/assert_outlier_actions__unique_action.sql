-- One row per outlier action, never a null id.
select
    action_id,
    count(*) as row_count
from marts.outlier_actions
group by action_id
having count(*) > 1 or action_id is null
