-- Every figure of every disputed amount, as the mart has them. Grain: one row
-- per disputed action and source record.
select * from marts.disputed_amounts
limit 200
