-- Runs keyed uniquely across DAGs. Airflow's run id is unique only within one DAG (scheduled
-- runs of every DAG share `scheduled__<date>`), so a DAG run's run_id here is a key made of
-- the DAG id and Airflow's run id (etl.running.steps.run_key); these columns keep both as Airflow
-- spells them. Rows written by `fines` outside Airflow leave them null.
alter table ops.run_log add column dag_id varchar;
alter table ops.run_log add column dag_run_id varchar;

comment on column ops.run_log.run_id is
'Key of the run: for `fines run`, run_<as_of>_<hash of the payloads>; for an Airflow DAG run, '
'<dag_id>__<run id>__<hash> (unique across DAGs). Every try of a task writes under the same key.';
comment on column ops.run_log.dag_id is
'Airflow DAG that wrote the row; null for runs of the `fines` command.';
comment on column ops.run_log.dag_run_id is
'Airflow''s own run id (unique only within its DAG); null for runs of the `fines` command.';
