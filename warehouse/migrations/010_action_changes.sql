-- What each run changed in core.enforcement_actions (docs/changes.md): one row per action
-- added, per field changed (old and new value as text), per action annulled, and per action
-- that stopped existing because its records now report another one. Written in the same
-- transaction as the facts it describes (etl/loading/merge.py, etl/loading/changes.py), only when a value
-- really differs: a replay or a retried task that changes nothing records nothing.
create table ops.action_changes (
    change_seq bigint primary key,
    run_id varchar not null,
    feed varchar,
    action_id varchar not null,
    change_type varchar not null
        check (change_type in ('added', 'changed', 'annulled', 'merged')),
    field varchar,
    old_value varchar,
    new_value varchar,
    batch_date date
);
comment on table ops.action_changes is
'What each run changed in core.enforcement_actions: added actions, every changed field with '
'its old and new value (as text), annulments, and actions merged into another. Append-only; '
'change_seq orders the changes as they were made. A replay or retry that changes nothing '
'records nothing.';
comment on column ops.action_changes.change_seq is
'Order in which the changes were made (1, 2, ...); key of the table.';
comment on column ops.action_changes.run_id is 'Run that made the change.';
comment on column ops.action_changes.feed is
'Feed whose batch made the change; empty when re-converting with changed rates did.';
comment on column ops.action_changes.change_type is
'added (a new action), changed (one field), annulled (status became annulled) or merged '
'(the action''s records now report the action in new_value).';
comment on column ops.action_changes.field is
'Column of core.enforcement_actions that changed; empty for added actions.';
comment on column ops.action_changes.old_value is 'Value before the change, as text.';
comment on column ops.action_changes.new_value is 'Value after the change, as text.';
comment on column ops.action_changes.batch_date is
'As-of date of the run that made the change; empty for a refresh of rates, which has none.';
