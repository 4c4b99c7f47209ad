-- Exact amounts of any size as text, and a flag for amounts beyond any plausible fine.
alter table core.enforcement_actions add column amount_exact varchar;
alter table core.enforcement_actions add column is_outlier boolean default false;
update core.enforcement_actions
set amount_exact = cast(amount as varchar), is_outlier = false
where amount_exact is null;
