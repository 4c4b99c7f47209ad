-- Blocks, orders, warnings and other actions without a fine. Grain: one row
-- per non-monetary action.
select * from marts.non_monetary_actions
order by decision_date desc, platform asc, action_id asc
limit 200
