-- Fines per platform, as the mart has them. Grain: one row per platform.
select * from marts.fines_by_platform
order by total_fines_usd desc, platform asc
