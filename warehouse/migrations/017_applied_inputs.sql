-- What each feed's last load went through, so that a run can leave a feed alone when nothing of
-- its input has changed since (etl/running/unchanged.py). One row per feed, replaced by every
-- load of it (delete, then insert: etl/loading/applied.py). A load that cannot state its input
-- (an Airflow task, an accepted review item) stores a null fingerprint, which matches nothing:
-- the next run processes the feed again.
create table ops.applied_inputs (
    feed varchar not null,
    run_id varchar not null,
    input_fingerprint varchar
);

comment on table ops.applied_inputs is
'Per feed: the run whose load of it is in the warehouse now, and the fingerprint of that load''s whole input (payload, feed entry, date, rates, review decisions, code). A run whose input has the same fingerprint does not process the feed again.';
comment on column ops.applied_inputs.input_fingerprint is
'SHA-256 of everything that shapes the feed''s load; null when the load did not state it (it then matches nothing).';

alter table ops.run_log add column unchanged_since varchar;
comment on column ops.run_log.unchanged_since is
'The run whose load of this feed the warehouse already held with the same input: this run did not process the feed again and repeats that load''s counts. Null when the feed was processed.';
