-- One row per feed, for every feed in the run log or among the sources.
with

feed_freshness as (
    select * from marts.feed_freshness
),

known_feeds as (
    select feed from ops.run_log
    union
    select feed from core.action_sources
),

missing as (
    select known_feeds.feed
    from known_feeds
    left join feed_freshness
        on known_feeds.feed = feed_freshness.feed
    where feed_freshness.feed is null
),

duplicated as (
    select feed
    from feed_freshness
    group by feed
    having count(*) > 1 or feed is null
),

failures as (
    select * from missing
    union all
    select * from duplicated
)

select * from failures
