-- Each feed's freshness and last result, as the mart has them. Grain: one row
-- per feed.
select * from marts.feed_freshness
order by feed asc
