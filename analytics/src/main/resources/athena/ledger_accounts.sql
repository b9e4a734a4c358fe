-- The events table summarised per account (count, last version, balance), exported as Parquet by the report
-- runner before the reconciliation report runs. One object, replaced on each export.
CREATE EXTERNAL TABLE IF NOT EXISTS ledger_accounts (
  account_id    string,
  event_count   bigint,
  last_version  bigint,
  balance       bigint
)
STORED AS PARQUET
LOCATION 's3://${LAKE_BUCKET}/ledger-accounts/'
