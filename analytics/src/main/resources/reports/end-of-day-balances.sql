-- End-of-day balances: for each account and each date it moved, its balance after its last event that day
-- (minor units). Copies of an event are identical rows, so they cannot change the last event's balance: the
-- compacted days (lake_compacted) and the open rows (lake_events, which may repeat an event, compacted or not) are
-- read together without de-duplication. An account does not appear on days without events; its balance is the last
-- one shown before.
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH events AS (
  SELECT event_date, account_id, version, balance_after FROM lake_compacted
  UNION ALL
  SELECT event_date, account_id, version, balance_after FROM lake_events
)
SELECT event_date,
       account_id,
       max(version) AS last_version,
       max_by(balance_after, version) AS balance
FROM events
GROUP BY event_date, account_id
ORDER BY event_date, account_id
