-- Reconciliation: the lake against the events table (exported as ledger_accounts just before this runs), per
-- account: number of events, last version, balance. Accounts that differ come first; status 'ok' means the lake
-- holds exactly the account's history. Run it when the pipeline is idle: events still in flight show as differences.
-- Duplicates are removed by event_id.
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH events AS (
  SELECT DISTINCT event_id, account_id, version, balance_after
  FROM lake_events
),
lake AS (
  SELECT account_id, count(*) AS event_count, max(version) AS last_version, max_by(balance_after, version) AS balance
  FROM events
  GROUP BY account_id
),
compared AS (
  SELECT coalesce(t.account_id, l.account_id) AS account_id,
         t.event_count AS table_event_count,
         l.event_count AS lake_event_count,
         t.last_version AS table_last_version,
         l.last_version AS lake_last_version,
         t.balance AS table_balance,
         l.balance AS lake_balance,
         CASE WHEN l.account_id IS NULL THEN 'missing in lake'
              WHEN t.account_id IS NULL THEN 'missing in events table'
              WHEN l.event_count <> t.event_count OR l.last_version <> t.last_version OR l.balance <> t.balance
                THEN 'differs'
              ELSE 'ok'
         END AS status
  FROM ledger_accounts t
  FULL OUTER JOIN lake l ON l.account_id = t.account_id
)
SELECT account_id, status, table_event_count, lake_event_count, table_last_version, lake_last_version, table_balance, lake_balance
FROM compared
ORDER BY CASE WHEN status = 'ok' THEN 1 ELSE 0 END, account_id
