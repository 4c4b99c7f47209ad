-- Fines and other actions per authority, as the mart has them. Grain: one row
-- per jurisdiction and authority.
select * from marts.fines_by_authority
order by total_fines_usd desc, jurisdiction asc, authority asc
limit 50
