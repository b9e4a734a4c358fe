-- Daily totals: per event date and event type, how many events and how much money (minor units).
-- Firehose and the lake writer deliver at least once, so lake_events may hold an event more than once. Closed days
-- are compacted into lake_compacted, one row per event, and read as they are; only the open rows are de-duplicated
-- (by event_id), and those whose event is already compacted (late copies, or a day between the switch and the
-- deletes of the compaction job) are dropped, compared only on the dates that have open rows.
-- Portable SQL: runs unchanged on Athena engine v3 (Trino) and DuckDB.
WITH open_events AS (
  SELECT event_date, type, event_id, max(amount) AS amount
  FROM lake_events
  GROUP BY event_date, type, event_id
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
  SELECT event_date, type, amount FROM lake_compacted
  UNION ALL
  SELECT o.event_date, o.type, o.amount
  FROM open_events o
  LEFT JOIN compacted_on_open_dates c ON c.event_date = o.event_date AND c.event_id = o.event_id
  WHERE c.event_id IS NULL
)
SELECT event_date,
       type,
       count(*) AS event_count,
       CAST(sum(amount) AS bigint) AS total_amount
FROM events
GROUP BY event_date, type
ORDER BY event_date, type
