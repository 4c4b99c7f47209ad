-- One decision, one action (docs/identity.md): every source record keeps its own figures in
-- core.action_sources; core.enforcement_actions holds one row per decision, taken from the
-- record first in precedence, with the range of figures the sources disagree on.
alter table core.enforcement_actions add column amount_qualifier varchar;
alter table core.enforcement_actions add column platform_candidates varchar;
alter table core.enforcement_actions add column amount_disputed boolean default false;
alter table core.enforcement_actions add column amount_low decimal(38, 2);
alter table core.enforcement_actions add column amount_high decimal(38, 2);
alter table core.enforcement_actions add column is_total_of_parts boolean default false;
alter table core.enforcement_actions add column source_count integer default 1;
update core.enforcement_actions
set
    amount_disputed = false,
    amount_low = amount,
    amount_high = amount,
    is_total_of_parts = false,
    source_count = 1;

-- The record's own action id (from its source and record id, or its facts) and its figures.
alter table core.action_sources add column record_action_id varchar;
alter table core.action_sources add column run_id varchar;
alter table core.action_sources add column jurisdiction varchar;
alter table core.action_sources add column authority varchar;
alter table core.action_sources add column platform varchar;
alter table core.action_sources add column platform_reported varchar;
alter table core.action_sources add column is_known_platform boolean;
alter table core.action_sources add column platform_candidates varchar;
alter table core.action_sources add column parent_company varchar;
alter table core.action_sources add column action_type varchar;
alter table core.action_sources add column violation varchar;
alter table core.action_sources add column legal_basis varchar;
alter table core.action_sources add column currency varchar;
alter table core.action_sources add column status varchar;
alter table core.action_sources add column fx_source varchar;
alter table core.action_sources add column fx_status varchar;
alter table core.action_sources add column fx_note varchar;
alter table core.action_sources add column amount decimal(38, 2);
alter table core.action_sources add column amount_usd decimal(38, 2);
alter table core.action_sources add column amount_eur decimal(38, 2);
alter table core.action_sources add column fx_rate_usd decimal(38, 18);
alter table core.action_sources add column fx_rate_eur decimal(38, 18);
alter table core.action_sources add column reported_usd decimal(38, 2);
alter table core.action_sources add column reported_eur decimal(38, 2);
alter table core.action_sources add column decision_date date;
alter table core.action_sources add column reported_date date;
alter table core.action_sources add column fx_rate_date date;
alter table core.action_sources add column source_kind varchar;
alter table core.action_sources add column amount_exact varchar;
alter table core.action_sources add column amount_qualifier varchar;
alter table core.action_sources add column is_outlier boolean;
alter table core.action_sources add column fx_quality varchar;

-- Records loaded before this version carry the figures of the action they were folded into.
update core.action_sources as s
set
    record_action_id = case
        -- the record a fact was stored from keeps that fact's id
        when s.feed = a.feed then s.action_id
        when s.source_record_id is not null
            then 'fa_' || left(sha256(
                'src' || chr(31) || s.source || chr(31) || s.source_record_id
            ), 16)
        else s.action_id
    end,
    run_id = a.run_id,
    jurisdiction = a.jurisdiction,
    authority = a.authority,
    platform = a.platform,
    platform_reported = a.platform_reported,
    is_known_platform = a.is_known_platform,
    parent_company = a.parent_company,
    action_type = a.action_type,
    violation = a.violation,
    legal_basis = a.legal_basis,
    currency = a.currency,
    status = a.status,
    fx_source = a.fx_source,
    fx_status = a.fx_status,
    fx_note = a.fx_note,
    amount = a.amount,
    amount_usd = a.amount_usd,
    amount_eur = a.amount_eur,
    fx_rate_usd = a.fx_rate_usd,
    fx_rate_eur = a.fx_rate_eur,
    reported_usd = a.reported_usd,
    reported_eur = a.reported_eur,
    decision_date = a.decision_date,
    reported_date = a.reported_date,
    fx_rate_date = a.fx_rate_date,
    source_kind = a.source_kind,
    amount_exact = a.amount_exact,
    is_outlier = a.is_outlier,
    fx_quality = a.fx_quality
from core.enforcement_actions as a
where s.action_id = a.action_id;

-- A total reported by one source and its parts reported by others: the parts are counted.
create table core.action_parts (
    total_action_id varchar not null,
    part_action_id varchar not null,
    primary key (total_action_id, part_action_id)
);
comment on table core.action_parts is
'A total reported by one source (CNIL''s EUR 150 million of 2021) linked to the actions that '
'make it up (90 + 60 million); the total is kept, flagged is_total_of_parts and left out of '
'totals, so the money is counted once.';

-- News candidates held for a person's review do not count toward the circuit breaker.
alter table ops.run_log add column awaiting_review bigint default 0;
update ops.run_log set awaiting_review = 0;
