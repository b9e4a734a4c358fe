-- Reconciliation: the lake against the events table (exported as ledger_accounts just before this runs), per
-- account: number of events, last version, balance. Accounts that differ come first; status 'ok' means the lake
-- holds exactly the account's history. Run it when the pipeline is idle: events still in flight show as differences.
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
