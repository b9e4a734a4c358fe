-- The large-withdrawal rule over the lake: per account and UTC day, the withdrawals that add up to more than the
-- threshold. The subscriber's alerts must equal this. Duplicates are removed by event_id.
-- ${THRESHOLD_MINOR} is replaced with the threshold in minor units.
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH withdrawals AS (
  SELECT event_date, account_id, event_id, max(amount) AS amount
  FROM lake_events
  WHERE type = 'BalanceWithdrawn'
  GROUP BY event_date, account_id, event_id
)
SELECT account_id, event_date, CAST(sum(amount) AS bigint) AS withdrawn, count(*) AS withdrawals
FROM withdrawals
GROUP BY account_id, event_date
HAVING sum(amount) > ${THRESHOLD_MINOR}
ORDER BY account_id, event_date
