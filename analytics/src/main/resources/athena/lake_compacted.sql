-- The compacted closed days of lake_events, as Athena (Glue) sees them: one Parquet object per day, written by the
-- compaction job (LakeCompaction) under compacted/event_date=yyyy-MM-dd/, one row per event (no duplicates), with
-- partition projection like lake_events. Reports read it without de-duplicating; Firehose never writes here.
-- ${LAKE_BUCKET} is replaced with the lake bucket's name when the DDL is run (./tally report --engine athena
-- --create-tables, or the CDK app's Glue table, which declares the same columns).
CREATE EXTERNAL TABLE IF NOT EXISTS lake_compacted (
  event_id      string,
  account_id    string,
  version       bigint,
  type          string,
  amount        bigint,
  balance_after bigint,
  occurred_at   timestamp,
  actor_issuer  string,
  actor_subject string,
  request_id    string,
  owner_issuer  string,
  owner_subject string,
  display_name  string,
  idempotency_key string,
  correlation_id string
)
PARTITIONED BY (event_date string)
STORED AS PARQUET
LOCATION 's3://${LAKE_BUCKET}/compacted/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.event_date.type' = 'date',
  'projection.event_date.format' = 'yyyy-MM-dd',
  'projection.event_date.range' = '2020-01-01,NOW',
  'projection.event_date.interval' = '1',
  'projection.event_date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${LAKE_BUCKET}/compacted/event_date=${event_date}/'
)
