-- Amounts beyond any plausible fine, kept out of totals. Grain: one row per
-- outlier action.
select * from marts.outlier_actions
limit 100
