-- A loaded source record points to where it was read: the landed file and the record's line
-- there, as ops.quarantine and ops.run_log name it (source_file: the path under the raw landing
-- area, <landing>/<feed>/<as_of>/<sha256>.<ext>, whose stem is the SHA-256 of its content). Only
-- rejected rows keep their original payload (ops.quarantine.payload); a loaded record's text
-- is in the immutable landed file. record_key keeps its values (the source record id, or the
-- md5 of the payload the record was loaded with), so identity and re-loads are unchanged.
alter table core.action_sources add column source_file varchar;

-- Records loaded before: the landed file of the run that stored them, when that run's log
-- row for the record's feed names one and the record carries that run's as-of date (a record
-- is stored again, with the run's id and date, by every run whose batch holds it). Otherwise
-- the pointer stays empty: nothing says which file the record was read from.
update core.action_sources as sources
set source_file = runs.source_file
from ops.run_log as runs
where
    sources.run_id = runs.run_id
    and sources.feed = runs.feed
    and sources.batch_date = runs.batch_date
    and runs.source_file is not null
    and runs.status = 'ok';

alter table core.action_sources drop column payload;

comment on table core.action_sources is
'Every source record of an action, with its own figures. Grain: one row per feed and record '
'key. A record points to the landed file and line it was read from; its original text is '
'there (rejected rows keep theirs in ops.quarantine.payload).';
comment on column core.action_sources.source_file is
'Landed file the record was read from (<landing>/<feed>/<as_of>/<sha256>.<ext>, as in '
'ops.run_log); empty for records loaded before migration 014 when no run log row names it.';
comment on column core.action_sources.source_line is
'Record number in source_file, as the feed''s adapter counts it from 1: the line of a JSON '
'Lines record, the record after the header of a CSV, the candidate of a news feed.';
comment on column core.action_sources.record_key is
'Key of the record within its feed: its record id, or the md5 of its payload (the record as '
'JSON) when it has none; the payload itself is not stored.';
