-- Daily totals: per event date and event type, how many events and how much money (minor units).
-- Firehose and the lake writer deliver at least once, so duplicates are removed here, by event_id.
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH events AS (
  SELECT event_date, type, event_id, max(amount) AS amount
  FROM lake_events
  GROUP BY event_date, type, event_id
)
SELECT event_date,
       type,
       count(*) AS event_count,
       CAST(sum(amount) AS bigint) AS total_amount
FROM events
GROUP BY event_date, type
ORDER BY event_date, type
