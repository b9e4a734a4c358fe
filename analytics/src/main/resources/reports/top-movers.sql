-- Top movers: per event date, the ten accounts whose balance moved most (by the absolute net change), with what
-- went in and out (minor units). Duplicates are removed by event_id.
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH events AS (
  SELECT event_date, account_id, type, event_id, max(amount) AS amount
  FROM lake_events
  WHERE type IN ('BalanceCredited', 'BalanceWithdrawn')
  GROUP BY event_date, account_id, type, event_id
),
moves AS (
  SELECT event_date,
         account_id,
         CAST(sum(CASE WHEN type = 'BalanceCredited' THEN amount ELSE 0 END) AS bigint) AS credited,
         CAST(sum(CASE WHEN type = 'BalanceWithdrawn' THEN amount ELSE 0 END) AS bigint) AS withdrawn
  FROM events
  GROUP BY event_date, account_id
),
ranked AS (
  SELECT event_date, account_id, credited, withdrawn, credited - withdrawn AS net_change,
         row_number() OVER (PARTITION BY event_date ORDER BY abs(credited - withdrawn) DESC, account_id) AS mover_rank
  FROM moves
)
SELECT event_date, mover_rank, account_id, credited, withdrawn, net_change
FROM ranked
WHERE mover_rank <= 10
ORDER BY event_date, mover_rank
