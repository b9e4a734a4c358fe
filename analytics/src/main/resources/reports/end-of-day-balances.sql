-- End-of-day balances: for each account and each date it moved, its balance after its last event that day
-- (minor units). Duplicated rows are identical, so they cannot change the last event's balance: no de-duplication
-- is needed. An account does not appear on days without events; its balance is the last one shown before.
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
SELECT event_date,
       account_id,
       max(version) AS last_version,
       max_by(balance_after, version) AS balance
FROM lake_events
GROUP BY event_date, account_id
ORDER BY event_date, account_id
