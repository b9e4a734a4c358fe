-- Overdraft audit: replays every account's events in version order and lists each event where the running balance
-- goes below zero, disagrees with the balance the ledger recorded, or follows a missing version. An empty result
-- means every account is consistent and never overdrawn. Duplicates are removed by event_id.
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH events AS (
  SELECT DISTINCT event_id, account_id, version, type, amount, balance_after, event_date
  FROM lake_events
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
