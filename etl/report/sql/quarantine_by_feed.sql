-- Rows in quarantine per feed and stage. Grain: one row per feed and stage.
select
    feed,
    stage,
    count(*) as row_count,
    max(batch_date) as last_batch_date
from ops.quarantine
group by feed, stage
order by feed asc, stage asc
