-- The digest of the rates last loaded, so an unchanged rates file is not loaded again.
create table ops.fx_rates_state (
    digest varchar not null
);
