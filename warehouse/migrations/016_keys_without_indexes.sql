-- The two tables every load rewrites by key keep their keys without an index. A load replaces
-- a batch's source records and the actions they touch by key (delete, then insert:
-- etl/loading/merge.py), and checks before it commits that those keys are still unique
-- (merge.check_keys), so the primary keys only added an ART index: it made inserting and
-- replacing keys 5 to 25 times slower and held memory that DuckDB cannot spill (a 10-million-
-- row load ran out of a 2 GB bound; BENCHMARKS.md, session 5). DuckDB cannot drop a primary
-- key, so each table is copied without it; columns, defaults, NOT NULL and comments stay.
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
