-- Overdraft audit: replays every account's events in version order and lists each event where the running balance
-- goes below zero, disagrees with the balance the ledger recorded, or follows a missing version. An empty result
-- means every account is consistent and never overdrawn.
-- Compacted days (lake_compacted) hold each event once and are read as they are; the open rows (lake_events) are
-- de-duplicated by event_id, and those already compacted are dropped (see daily-totals).
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH open_events AS (
  SELECT DISTINCT event_id, account_id, version, type, amount, balance_after, event_date
  FROM lake_events
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
  SELECT event_id, account_id, version, type, amount, balance_after, event_date FROM lake_compacted
  UNION ALL
  SELECT o.event_id, o.account_id, o.version, o.type, o.amount, o.balance_after, o.event_date
  FROM open_events o
  LEFT JOIN compacted_on_open_dates c ON c.event_date = o.event_date AND c.event_id = o.event_id
  WHERE c.event_id IS NULL
),
replayed AS (
  SELECT event_date, account_id, version, type, amount, balance_after,
         sum(CASE WHEN type = 'BalanceWithdrawn' THEN -amount ELSE amount END)
           OVER (PARTITION BY account_id ORDER BY version ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
         row_number() OVER (PARTITION BY account_id ORDER BY version) AS replay_position
  FROM events
)
SELECT event_date,
       account_id,
       version,
       type,
       amount,
       CAST(running AS bigint) AS running_balance,
       balance_after,
       CASE WHEN version <> replay_position THEN 'missing event before this version'
            WHEN running < 0 THEN 'overdrawn'
            WHEN running <> balance_after THEN 'recorded balance differs from the replay'
       END AS problem
FROM replayed
WHERE running < 0 OR running <> balance_after OR version <> replay_position
ORDER BY account_id, version
