-- The status history of the actions a batch touched (docs: README "Status history").
-- Statements run in order, in the load's transaction, with touched_actions in scope.
-- A new action opens its first version at its decision date; a changed status closes the
-- open version the day before this batch and opens a new one from the batch date. An action
-- that no longer exists (its records joined another) takes its history with it.
delete from core.action_status_history
where
    action_id in (select action_id from touched_actions)
    and action_id not in (select action_id from core.enforcement_actions);

create or replace temp table status_changes as
select
    actions.action_id,
    actions.status,
    actions.decision_date,
    open_version.valid_from
from core.enforcement_actions as actions
left join core.action_status_history as open_version
    on
        actions.action_id = open_version.action_id
        and open_version.valid_to is null
where
    actions.action_id in (select action_id from touched_actions)
    and (
        open_version.status is null
        or open_version.status != actions.status
    );

update core.action_status_history as h
set valid_to = greatest(h.valid_from, $batch_date::date - 1)
from status_changes as c
where h.action_id = c.action_id and h.valid_to is null;

create or replace temp table new_versions as
select
    action_id,
    status,
    case
        when valid_from is null then decision_date
        else greatest($batch_date::date, valid_from + 1)
    end as valid_from
from status_changes;

-- A version already opened on that day (a retry of the same batch) is replaced, not doubled.
delete from core.action_status_history as h
using new_versions as n
where h.action_id = n.action_id and h.valid_from = n.valid_from;

insert into core.action_status_history (action_id, status, run_id, valid_from, valid_to)
select
    action_id,
    status,
    $run_id,
    valid_from,
    null
from new_versions;

drop table new_versions;

drop table status_changes;
