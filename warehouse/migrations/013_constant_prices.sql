-- Constant prices (docs/constant_prices.md): the US CPI-U series shipped in the `cpi` package
-- (BLS, CUUR0000SA0, monthly, not seasonally adjusted, public domain) is loaded into
-- core.cpi_u by etl/money/cpi.py at load time; every converted fine gets amount_usd_real, its
-- USD value in constant dollars of the base year (etl.money.cpi.BASE_YEAR), computed in SQL from
-- that table. The base year below is the one etl/money/cpi.py states; it re-applies the comment.
create table core.cpi_u (
    series_id varchar not null,
    period_kind varchar not null check (period_kind in ('month', 'year')),
    period_start date not null,
    index_value decimal(9, 3) not null,
    base_year integer not null,
    base_index_value decimal(9, 3) not null,
    source varchar not null,
    primary key (series_id, period_kind, period_start)
);
comment on table core.cpi_u is
'US CPI-U, all items, U.S. city average, not seasonally adjusted (BLS series CUUR0000SA0; '
'public domain), as shipped in the cpi package: one row per month, and one per annual '
'average. amount_usd_real = amount_usd x base_index_value / index_value of the decision '
'month (the annual average when the month is missing).';
comment on column core.cpi_u.period_kind is
'month (a monthly index) or year (the annual average, period_start = 1 January).';
comment on column core.cpi_u.period_start is 'First day of the month, or 1 January for an annual average.';
comment on column core.cpi_u.index_value is 'CPI-U index (1982-84 = 100).';
comment on column core.cpi_u.base_year is 'Year whose average prices amount_usd_real is stated in.';
comment on column core.cpi_u.base_index_value is 'Annual average CPI-U of base_year.';
comment on column core.cpi_u.source is 'Where the figure comes from: series, package and version.';

-- What was loaded last (series, package version, base year): reloaded only when it changes.
create table ops.cpi_state (
    loaded varchar not null
);

alter table core.enforcement_actions add column amount_usd_real decimal(38, 2);
alter table core.enforcement_actions add column cpi_u_index decimal(9, 3);
alter table core.enforcement_actions add column cpi_u_period varchar;
comment on column core.enforcement_actions.amount_usd_real is
'amount_usd in constant 2025 US dollars (US CPI-U, BLS CUUR0000SA0): amount_usd x the 2025 '
'average index / cpi_u_index. Empty without amount_usd or CPI for the decision date.';
comment on column core.enforcement_actions.cpi_u_index is
'CPI-U index used for amount_usd_real: of the decision month, else of its year (annual average).';
comment on column core.enforcement_actions.cpi_u_period is
'Period of cpi_u_index: YYYY-MM (the decision month) or YYYY (the annual average, when BLS '
'published no index for that month).';
