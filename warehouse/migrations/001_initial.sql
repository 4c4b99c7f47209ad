-- Initial schemas and persistent tables: canonical facts, sources, rates, quarantine, run log.
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists core;
create schema if not exists marts;
create schema if not exists ops;

create table core.enforcement_actions (
    action_id varchar primary key,
    feed varchar not null,
    source varchar not null,
    source_record_id varchar,
    source_url varchar,
    jurisdiction varchar not null,
    authority varchar not null,
    platform varchar not null,
    parent_company varchar,
    action_type varchar not null,
    violation varchar not null,
    legal_basis varchar,
    currency varchar,
    status varchar not null,
    fx_source varchar,
    fx_status varchar not null,
    fx_note varchar,
    amount decimal(38, 2),
    amount_usd decimal(38, 2),
    amount_eur decimal(38, 2),
    fx_rate_usd decimal(38, 18),
    fx_rate_eur decimal(38, 18),
    reported_usd decimal(38, 2),
    reported_eur decimal(38, 2),
    decision_date date not null,
    reported_date date,
    fx_rate_date date,
    batch_date date not null,
    run_id varchar not null
);

create table core.action_sources (
    action_id varchar not null,
    feed varchar not null,
    source varchar not null,
    source_record_id varchar,
    source_url varchar,
    source_line bigint not null,
    payload varchar not null,
    batch_date date not null,
    primary key (action_id, feed)
);

create table core.fx_rates (
    source varchar not null,
    currency varchar not null,
    published_rate varchar not null,
    units_per_eur decimal(38, 18) not null,
    rate_date date not null,
    primary key (source, currency, rate_date)
);

create table ops.quarantine (
    quarantine_id varchar primary key,
    feed varchar not null,
    stage varchar not null,
    source_file varchar not null,
    payload varchar not null,
    reasons varchar[] not null,
    source_line bigint not null,
    first_run_id varchar not null,
    last_run_id varchar not null,
    batch_date date not null
);

create table ops.run_log (
    run_id varchar not null,
    feed varchar not null,
    status varchar not null,
    error varchar,
    source_file varchar,
    rows_in bigint not null,
    loaded bigint not null,
    duplicates bigint not null,
    quarantined bigint not null,
    no_rate bigint not null,
    held_back bigint not null,
    batch_date date not null,
    primary key (run_id, feed)
);

comment on table core.enforcement_actions is
'Canonical enforcement actions. Grain: one row per decision by one authority against one platform.';
comment on table core.fx_rates is
'Every exchange rate used, as units of currency per 1 EUR, with its source and date.';
comment on table ops.quarantine is
'Rejected feed rows with their original payload and every check they failed.';
comment on table ops.run_log is
'Per run and feed: rows in = loaded + duplicates + quarantined, and the outcome.';
