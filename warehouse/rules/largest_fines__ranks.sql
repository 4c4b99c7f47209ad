-- Ranks of marts.largest_fines over the whole mart, after an incremental build rebuilt the
-- rows of changed actions (etl/loading/increments.py): the same ranks as
-- warehouse/marts/largest_fines.sql gives, rewritten only where they moved.
update marts.largest_fines as mart
set
    overall_rank = ranks.overall_rank,
    platform_rank = ranks.platform_rank
from (
    select
        action_id,
        rank() over (order by amount_usd desc) as overall_rank,
        rank() over (
            partition by platform order by amount_usd desc
        ) as platform_rank
    from marts.largest_fines
) as ranks
where
    mart.action_id = ranks.action_id
    and (
        mart.overall_rank != ranks.overall_rank
        or mart.platform_rank != ranks.platform_rank
    )
