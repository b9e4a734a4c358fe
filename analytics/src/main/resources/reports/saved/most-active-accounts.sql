-- the ten accounts with the most events in all history, each event counted once
-- Saved with ./tally sql --save on 2026-12-06T02:56:46Z; portable: runs on Athena engine v3 and DuckDB.
-- every event counted once, from the compacted days and the open ones
SELECT account_id,
       count(DISTINCT event_id) AS events,
       min(occurred_at) AS first_event_at,
       max(occurred_at) AS last_event_at
FROM (
  SELECT account_id, event_id, occurred_at FROM lake_events
  UNION ALL
  SELECT account_id, event_id, occurred_at FROM lake_compacted
) e
GROUP BY account_id
ORDER BY events DESC, account_id
LIMIT 10
