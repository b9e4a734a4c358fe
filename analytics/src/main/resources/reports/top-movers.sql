-- Top movers: per event date, the ten accounts whose balance moved most (by the absolute net change), with what
-- went in and out (minor units). Compacted days (lake_compacted) hold each event once and are read as they are; the
-- open rows (lake_events) are de-duplicated by event_id, and those already compacted are dropped (see daily-totals).
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH open_events AS (
  SELECT event_date, account_id, type, event_id, max(amount) AS amount
  FROM lake_events
  WHERE type IN ('BalanceCredited', 'BalanceWithdrawn')
  GROUP BY event_date, account_id, type, event_id
),
open_dates AS (
  SELECT DISTINCT event_date FROM open_events
),
compacted_on_open_dates AS (
  SELECT c.event_date, c.event_id
  FROM lake_compacted c
  JOIN open_dates d ON d.event_date = c.event_date
),
events AS (
  SELECT event_date, account_id, type, amount
  FROM lake_compacted
  WHERE type IN ('BalanceCredited', 'BalanceWithdrawn')
  UNION ALL
  SELECT o.event_date, o.account_id, o.type, o.amount
  FROM open_events o
  LEFT JOIN compacted_on_open_dates c ON c.event_date = o.event_date AND c.event_id = o.event_id
  WHERE c.event_id IS NULL
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
