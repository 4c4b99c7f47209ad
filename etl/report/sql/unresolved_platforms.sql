-- Platform names that matched no known platform. Grain: one row per name.
select * from marts.unresolved_platforms
limit 100
