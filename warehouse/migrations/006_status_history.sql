-- Status history: every version of an action's status with its validity dates.
create table core.action_status_history (
    action_id varchar not null,
    status varchar not null,
    run_id varchar not null,
    valid_from date not null,
    valid_to date,
    primary key (action_id, valid_from)
);
insert into core.action_status_history
select action_id, status, run_id, decision_date as valid_from, null as valid_to
from core.enforcement_actions;
comment on table core.action_status_history is
'Every status of every action (imposed, appealed, reduced, annulled, paid) with validity dates; '
'valid_to is null for the current version. As of date X: valid_from <= X and (valid_to is null '
'or valid_to >= X).';
