-- The tables every load writes row by row keep their keys without an index. A load replaces a
-- batch's source records and the actions they touch by key (delete, then insert:
-- etl/loading/merge.py), checks before it commits that those keys are still held once
-- (merge.check_keys), and replaces a status version by deleting it first
-- (warehouse/rules/status_history.sql); change numbers follow the largest one. The primary keys
-- only added ART indexes: they made inserting and replacing keys 5 to 25 times slower and held
-- memory DuckDB cannot spill (at 10 million rows a load ran out of a 700 MB and a 2 GB bound,
-- and past 12 GiB without one; BENCHMARKS.md, session 5). DuckDB cannot drop a primary key, so
-- each table is copied without it; columns, defaults, NOT NULL and comments stay.
create table core.enforcement_actions_v16 as select * from core.enforcement_actions;
drop table core.enforcement_actions;
alter table core.enforcement_actions_v16 rename to enforcement_actions;
alter table core.enforcement_actions alter column source_kind set default 'structured';
alter table core.enforcement_actions alter column is_outlier set default false;
alter table core.enforcement_actions alter column amount_disputed set default false;
alter table core.enforcement_actions alter column is_total_of_parts set default false;
alter table core.enforcement_actions alter column source_count set default 1;
alter table core.enforcement_actions alter column action_id set not null;
alter table core.enforcement_actions alter column feed set not null;
alter table core.enforcement_actions alter column source set not null;
alter table core.enforcement_actions alter column jurisdiction set not null;
alter table core.enforcement_actions alter column authority set not null;
alter table core.enforcement_actions alter column platform set not null;
alter table core.enforcement_actions alter column action_type set not null;
alter table core.enforcement_actions alter column violation set not null;
alter table core.enforcement_actions alter column status set not null;
alter table core.enforcement_actions alter column fx_status set not null;
alter table core.enforcement_actions alter column decision_date set not null;
alter table core.enforcement_actions alter column batch_date set not null;
alter table core.enforcement_actions alter column run_id set not null;
comment on table core.enforcement_actions is
'Canonical enforcement actions. Grain: one row per decision by one authority against one platform '
'(action_id is unique: checked by every load, without an index).';
comment on column core.enforcement_actions.amount_usd_real is
'amount_usd in constant 2025 US dollars (US CPI-U, BLS CUUR0000SA0): amount_usd x the 2025 '
'average index / cpi_u_index. Empty without amount_usd or CPI for the decision date.';
comment on column core.enforcement_actions.cpi_u_index is
'CPI-U index used for amount_usd_real: of the decision month, else of its year (annual average).';
comment on column core.enforcement_actions.cpi_u_period is
'Period of cpi_u_index: YYYY-MM (the decision month) or YYYY (the annual average, when BLS '
'published no index for that month).';

create table core.action_sources_v16 as select * from core.action_sources;
drop table core.action_sources;
alter table core.action_sources_v16 rename to action_sources;
alter table core.action_sources alter column action_id set not null;
alter table core.action_sources alter column feed set not null;
alter table core.action_sources alter column record_key set not null;
alter table core.action_sources alter column source set not null;
alter table core.action_sources alter column source_line set not null;
alter table core.action_sources alter column batch_date set not null;
comment on table core.action_sources is
'Every source record of an action, with its own figures. Grain: one row per feed and record '
'key (unique: checked by every load, without an index). A record points to the landed file and '
'line it was read from; its original text is there (rejected rows keep theirs in '
'ops.quarantine.payload).';
comment on column core.action_sources.source_file is
'Landed file the record was read from (<landing>/<feed>/<as_of>/<sha256>.<ext>, as in '
'ops.run_log); empty for records loaded before migration 014 when no run log row names it.';
comment on column core.action_sources.source_line is
'Record number in source_file, as the feed''s adapter counts it from 1: the line of a JSON '
'Lines record, the record after the header of a CSV, the candidate of a news feed.';
comment on column core.action_sources.record_key is
'Key of the record within its feed: its record id, or the md5 of its payload (the record as '
'JSON) when it has none; the payload itself is not stored.';

create table core.action_status_history_v16 as select * from core.action_status_history;
drop table core.action_status_history;
alter table core.action_status_history_v16 rename to action_status_history;
alter table core.action_status_history alter column action_id set not null;
alter table core.action_status_history alter column status set not null;
alter table core.action_status_history alter column run_id set not null;
alter table core.action_status_history alter column valid_from set not null;
comment on table core.action_status_history is
'Every status of every action (imposed, appealed, reduced, annulled, paid) with validity dates; '
'valid_to is null for the current version. As of date X: valid_from <= X and (valid_to is null '
'or valid_to >= X). (action_id, valid_from) is unique: the status-history rule replaces a '
'version by deleting it first.';

create table ops.action_changes_v16 as select * from ops.action_changes;
drop table ops.action_changes;
alter table ops.action_changes_v16 rename to action_changes;
alter table ops.action_changes alter column change_seq set not null;
alter table ops.action_changes alter column run_id set not null;
alter table ops.action_changes alter column action_id set not null;
alter table ops.action_changes alter column change_type set not null;
comment on table ops.action_changes is
'What each run changed in core.enforcement_actions: added actions, every changed field with its '
'old and new value (as text), annulments, and actions merged into another. Append-only; '
'change_seq orders the changes as they were made. A replay or retry that changes nothing '
'records nothing. change_seq is unique: each load numbers its changes after the largest one.';
comment on column ops.action_changes.change_seq is
'Order in which the changes were made (1, 2, ...); key of the table.';
comment on column ops.action_changes.run_id is
'Run that made the change.';
comment on column ops.action_changes.feed is
'Feed whose batch made the change; empty when re-converting with changed rates did.';
comment on column ops.action_changes.change_type is
'added (a new action), changed (one field), annulled (status became annulled) or merged (the '
'action''s records now report the action in new_value).';
comment on column ops.action_changes.field is
'Column of core.enforcement_actions that changed; empty for added actions.';
comment on column ops.action_changes.old_value is
'Value before the change, as text.';
comment on column ops.action_changes.new_value is
'Value after the change, as text.';
comment on column ops.action_changes.batch_date is
'As-of date of the run that made the change; empty for a refresh of rates, which has none.';
