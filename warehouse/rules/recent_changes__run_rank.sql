-- run_rank of marts.recent_changes over every run, after an incremental build rebuilt the
-- rows of changed actions (etl/loading/increments.py): the same rank as
-- warehouse/marts/recent_changes.sql gives (runs ordered by their last change, 1 the
-- latest), rewritten only where it moved.
update marts.recent_changes as mart
set run_rank = ranks.run_rank
from (
    select
        run_id,
        dense_rank() over (order by max(change_seq) desc) as run_rank
    from staging.stg_ops__action_changes
    group by run_id
) as ranks
where
    mart.run_id is not distinct from ranks.run_id
    and mart.run_rank != ranks.run_rank
