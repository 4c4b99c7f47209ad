-- One row per jurisdiction and authority, neither of them null.
select
    jurisdiction,
    authority,
    count(*) as row_count
from marts.fines_by_authority
group by jurisdiction, authority
having count(*) > 1 or jurisdiction is null or authority is null
