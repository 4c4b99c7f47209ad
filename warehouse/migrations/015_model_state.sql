-- What the marts were last built from, so that a build pays only for what changed
-- (etl/loading/increments.py): the fingerprint of the code that built them, and a content
-- hash of every row of their inputs (the staging views), grouped in buckets by key. A build
-- compares the inputs with these rows and rebuilds only the mart rows whose inputs changed;
-- when the code changed or this state is missing, it rebuilds every model.
create table ops.model_state (
    name varchar primary key,
    value varchar not null
);
comment on table ops.model_state is
'Fingerprints of what built the warehouse models: the model SQL, the mart contracts and the '
'input column types (code), and the comments applied. A build whose code fingerprint differs '
'rebuilds every model from scratch.';
comment on column ops.model_state.name is 'What the fingerprint is of: code or comments.';
comment on column ops.model_state.value is 'SHA-256 of it, as built last.';

create table ops.model_input_buckets (
    input varchar not null,
    bucket integer not null,
    row_count bigint not null,
    fingerprint hugeint not null
);
comment on table ops.model_input_buckets is
'Per bucket of the rows of an input of the marts (a staging view; its rows by the hash of '
'their key): how many rows and the sum of their content hashes when the marts were last '
'built. A bucket whose figures differ now holds a changed row.';
comment on column ops.model_input_buckets.input is 'Input of the marts: actions, sources, changes or runs.';
comment on column ops.model_input_buckets.bucket is
'Input number x 65536 + hash(key) mod 65536; the key is the action, or the feed for runs.';
comment on column ops.model_input_buckets.row_count is 'Rows of the input in the bucket.';
comment on column ops.model_input_buckets.fingerprint is 'Sum of the rows'' content hashes.';

create table ops.model_input_rows (
    input varchar not null,
    bucket integer not null,
    row_hash ubigint not null,
    action_key ubigint,
    series_key ubigint,
    authority_key ubigint
);
comment on table ops.model_input_rows is
'One row per row of each input of the marts when they were last built: its content hash and '
'the hashes of the mart keys it fed (action, jurisdiction and platform, jurisdiction and '
'authority), so that a changed or removed row names the mart rows to rebuild.';
comment on column ops.model_input_rows.input is 'Input of the marts: actions, sources, changes or runs.';
comment on column ops.model_input_rows.bucket is 'Bucket of the row (see ops.model_input_buckets).';
comment on column ops.model_input_rows.row_hash is 'Hash of every column of the row.';
comment on column ops.model_input_rows.action_key is 'hash(action_id) of the action the row feeds.';
comment on column ops.model_input_rows.series_key is 'hash(jurisdiction, platform) of an action.';
comment on column ops.model_input_rows.authority_key is 'hash(jurisdiction, authority) of an action.';
