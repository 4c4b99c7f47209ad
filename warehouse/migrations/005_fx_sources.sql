-- Several rate sources: the quality of each conversion, and how long an override rate holds.
alter table core.enforcement_actions add column fx_quality varchar;
alter table core.fx_rates add column valid_days integer;
