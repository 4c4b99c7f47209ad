-- Cross-feed deduplication: the kind of source behind each fact, and every source of an action.
alter table core.enforcement_actions add column source_kind varchar default 'structured';
update core.enforcement_actions set source_kind = 'structured' where source_kind is null;

create table core.action_sources_v3 (
    action_id varchar not null,
    feed varchar not null,
    record_key varchar not null,
    source varchar not null,
    source_record_id varchar,
    source_url varchar,
    source_line bigint not null,
    payload varchar not null,
    batch_date date not null,
    primary key (feed, record_key)
);
insert into core.action_sources_v3
select
    action_id,
    feed,
    coalesce(source_record_id, md5(payload)) as record_key,
    source,
    source_record_id,
    source_url,
    source_line,
    payload,
    batch_date
from core.action_sources;
drop table core.action_sources;
alter table core.action_sources_v3 rename to action_sources;
