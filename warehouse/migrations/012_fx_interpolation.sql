-- Between two weekly fixes the rate is interpolated (docs/fx.md): the later fix's date is kept
-- beside fx_rate_date (the fix before), on each source record and on each fact.
alter table core.action_sources add column fx_next_rate_date date;
alter table core.enforcement_actions add column fx_next_rate_date date;
