package dev.tally.cli.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.analytics.DuckDbEngine;
import example.alerts.AlertsQuery;
import example.alerts.AlertsSettings;
import example.alerts.WithdrawalDaysTable;
import dev.tally.analytics.LakeCache;
import dev.tally.analytics.LakeTable;
import dev.tally.analytics.LedgerExport;
import dev.tally.analytics.Report;
import dev.tally.analytics.ReportResult;
import dev.tally.analytics.ReportRunner;
import dev.tally.cli.load.ApiClient;
import dev.tally.cli.load.DomainEventStream;
import dev.tally.contracts.DomainEvent;
import dev.tally.domain.AccountEvent;
import dev.tally.domain.EventType;
import dev.tally.eventstore.EventItemCodec;
import dev.tally.eventstore.EventTable;
import dev.tally.eventstore.UnreadableEventException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What must hold after the write side, each read from the stack as it is now and returned as {@link Claim}s: every
 * event of the table is on Kinesis once, in version order on one shard per account; a corrupt item is set aside
 * while later events flow; the balances projection equals the write side; the lake holds every event once and
 * reconciles. The demo (steps 7 to 10) prints these claims as its checks; {@code StreamPipelineTest},
 * {@code ProjectionRecoveryTest} and {@code LakeRecoveryTest} wait until they hold and assert them. Nothing here
 * writes, except {@link #writeCorruptEvent} and the ledger summary the reconciliation report compares with.
 */
public final class PipelineInvariants {

    /** The type of the corrupt item: a name no codec knows, so the translator must set it aside. */
    public static final String CORRUPT_TYPE = "AccountFrozen";

    private PipelineInvariants() {
    }

    /** One readable event of the events table. */
    public record TableEvent(String accountId, long version, String type, long amountMinor) {
        /** The id the translator publishes it under. */
        public String eventId() {
            return DomainEvent.eventIdFor(accountId, version);
        }
    }

    /** The events table: its readable events, and the items marked as events that cannot be read. */
    public record TableEvents(List<TableEvent> events, List<String> unreadable) {

        public Set<String> eventIds() {
            var ids = new HashSet<String>();
            events.forEach(event -> ids.add(event.eventId()));
            return ids;
        }

        public SortedSet<String> accounts() {
            var accounts = new TreeSet<String>();
            events.forEach(event -> accounts.add(event.accountId()));
            return accounts;
        }

        /** Amounts per event type, in minor units: what the lake's daily totals must add up to. */
        public Map<String, Long> totalsPerType() {
            var totals = new TreeMap<String, Long>();
            events.forEach(event -> totals.merge(event.type(), event.amountMinor(), Math::addExact));
            return totals;
        }
    }

    /** Reads the whole events table with a consistent scan. */
    public static TableEvents table(DynamoDbClient dynamo) {
        var events = new ArrayList<TableEvent>();
        var unreadable = new ArrayList<String>();
        for (var item : dynamo.scanPaginator(b -> b.tableName(EventTable.DEFAULT_NAME).consistentRead(true)).items()) {
            if (!EventItemCodec.isEvent(item)) {
                continue;
            }
            try {
                var recorded = EventItemCodec.decode(item);
                long amount = switch (recorded.event()) {
                    case AccountEvent.AccountCreated created -> 0;
                    case AccountEvent.BalanceCredited credited -> credited.amount().minorUnits();
                    case AccountEvent.BalanceWithdrawn withdrawn -> withdrawn.amount().minorUnits();
                };
                events.add(new TableEvent(item.get(EventTable.ID).s(), recorded.version(),
                        EventType.of(recorded.event()).typeName(), amount));
            } catch (UnreadableEventException e) {
                unreadable.add(e.getMessage());
            }
        }
        return new TableEvents(List.copyOf(events), List.copyOf(unreadable));
    }

    /** The events table against what Kinesis holds. */
    public record KinesisDelivery(Set<String> tableEventIds, int shards, int records, Set<String> published,
                                  SortedSet<String> accountsOnSeveralShards, List<String> outOfOrder) {

        public Set<String> missing() {
            var missing = new TreeSet<>(tableEventIds);
            missing.removeAll(published);
            return missing;
        }

        public Set<String> unexpected() {
            var unexpected = new TreeSet<>(published);
            unexpected.removeAll(tableEventIds);
            return unexpected;
        }

        /** Records beyond the first copy of each event: at-least-once delivery allows them after a failure. */
        public int duplicates() {
            return records - published.size();
        }

        public boolean everyEventPublished() {
            return published.containsAll(tableEventIds);
        }

        public List<Claim> claims() {
            return List.of(
                    Claim.of("every event in the table is on Kinesis", everyEventPublished(),
                            missing().size() + " missing, e.g. " + first(missing())),
                    Claim.of("Kinesis holds nothing that is not in the table", unexpected().isEmpty(),
                            unexpected().size() + " unexpected, e.g. " + first(unexpected())),
                    Claim.of("each account's events are on one shard", accountsOnSeveralShards.isEmpty(),
                            "on several shards: " + first(accountsOnSeveralShards)),
                    Claim.of("each account's events are in version order on its shard", outOfOrder.isEmpty(),
                            outOfOrder.size() + " out of order, e.g. " + first(outOfOrder)));
        }

        @Override
        public String toString() {
            return tableEventIds.size() + " events in the table, " + records + " records on " + shards + " shards, "
                    + published.size() + " distinct: " + claims();
        }
    }

    /** Reads the table and the whole stream, and compares them. */
    public static KinesisDelivery kinesisDelivery(DynamoDbClient dynamo, DomainEventStream stream) {
        var expected = table(dynamo).eventIds();
        var byShard = stream.readAll();
        var shardOf = new HashMap<String, String>();
        var published = new HashSet<String>();
        var lastVersion = new HashMap<String, Long>();
        var severalShards = new TreeSet<String>();
        var outOfOrder = new ArrayList<String>();
        int records = 0;
        for (var shard : byShard.entrySet()) {
            for (var received : shard.getValue()) {
                records++;
                var event = received.event();
                var account = event.accountId();
                if (!shardOf.computeIfAbsent(account, a -> shard.getKey()).equals(shard.getKey())) {
                    severalShards.add(account);
                }
                if (published.add(event.eventId())) {
                    // the first copy of each event: an account's versions must follow 1, 2, 3, ...
                    long previous = lastVersion.getOrDefault(account, 0L);
                    if (event.version() != previous + 1) {
                        outOfOrder.add(account + " v" + event.version() + " after v" + previous + " on " + shard.getKey());
                    }
                    lastVersion.put(account, event.version());
                }
            }
        }
        return new KinesisDelivery(expected, byShard.size(), records, published, severalShards, List.copyOf(outOfOrder));
    }

    /**
     * Writes an item marked as an event of a type no codec knows, straight into the table, as a bug or a manual
     * edit could; returns its account id.
     */
    public static String writeCorruptEvent(DynamoDbClient dynamo) {
        var account = UUID.randomUUID().toString();
        dynamo.putItem(b -> b.tableName(EventTable.DEFAULT_NAME).item(Map.of(
                EventTable.ID, AttributeValue.fromS(account),
                EventTable.VERSION, AttributeValue.fromN("1"),
                EventTable.KIND, AttributeValue.fromS(EventTable.EVENT_KIND),
                EventTable.TYPE, AttributeValue.fromS(CORRUPT_TYPE),
                EventTable.SCHEMA_VERSION, AttributeValue.fromN("1"))));
        return account;
    }

    /** Where the corrupt item went, and whether the events of an account written after it were published. */
    public record SetAside(String corruptAccount, Optional<ObjectNode> letter, String laterAccount, long laterWritten,
                           long laterPublished) {

        public static final String REASON = "unknown type " + CORRUPT_TYPE;

        public boolean holds() {
            return Claim.failed(claims()).isEmpty();
        }

        public List<Claim> claims() {
            return List.of(
                    Claim.of("the corrupt item is in the dead-letter store with its reason",
                            letter.isPresent() && letter.get().path("reason").asText().contains(REASON),
                            letter.map(l -> "reason " + l.path("reason").asText()).orElse("no dead letter names " + corruptAccount)),
                    Claim.of("the events written after it were published", laterWritten > 0 && laterPublished == laterWritten,
                            laterPublished + " of " + laterAccount + "'s " + laterWritten + " events"));
        }

        @Override
        public String toString() {
            return claims().toString();
        }
    }

    /**
     * @param deadLetters   the translator mapping's dead letters, as Lambda's invocation records
     * @param laterAccount  an account whose events were all written after the corrupt item
     */
    public static SetAside setAside(DynamoDbClient dynamo, List<ObjectNode> deadLetters, DomainEventStream stream,
                                    String corruptAccount, String laterAccount) {
        var naming = deadLetters.stream().filter(e -> e.path("records").toString().contains(corruptAccount)).toList();
        var letter = naming.stream().filter(e -> e.path("reason").asText().contains(SetAside.REASON)).findFirst()
                .or(() -> naming.stream().findFirst());
        long written = dynamo.query(b -> b.tableName(EventTable.DEFAULT_NAME).consistentRead(true)
                .keyConditionExpression("#id = :id").expressionAttributeNames(Map.of("#id", EventTable.ID))
                .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(laterAccount)))).count();
        long published = stream.readAll().values().stream().flatMap(List::stream)
                .map(DomainEventStream.Received::event).filter(event -> event.accountId().equals(laterAccount))
                .map(DomainEvent::eventId).distinct().count();
        return new SetAside(corruptAccount, letter, laterAccount, written, published);
    }

    /** One account as the write side (GET /accounts) and the balances projection (GET /balances) answer it. */
    public record AccountView(String accountId, String writtenBalance, long writtenVersion, int projectedStatus,
                              String projectedBalance, long projectedVersion) {
        public boolean agrees() {
            return projectedStatus == 200 && projectedVersion == writtenVersion && projectedBalance.equals(writtenBalance);
        }
    }

    /** The balances projection against the write side, account by account. */
    public record BalancesAgreement(List<AccountView> accounts) {

        public long agreeing() {
            return accounts.stream().filter(AccountView::agrees).count();
        }

        public boolean holds() {
            return agreeing() == accounts.size();
        }

        public Claim claim() {
            var differing = accounts.stream().filter(a -> !a.agrees()).findFirst()
                    .map(a -> "; first differing: " + a.accountId() + " written " + a.writtenBalance() + " v" + a.writtenVersion()
                            + ", projected " + (a.projectedStatus() == 200 ? a.projectedBalance() + " v" + a.projectedVersion()
                            : "status " + a.projectedStatus()))
                    .orElse("");
            return Claim.of("every account's projected balance and version equal the write side's", holds(),
                    agreeing() + " of " + accounts.size() + differing);
        }

        @Override
        public String toString() {
            return claim().toString();
        }
    }

    /** Asks the HTTP API for each account's balance on both sides. */
    public static BalancesAgreement balances(ApiClient api, Collection<String> accounts) {
        var views = new ArrayList<AccountView>();
        for (var id : accounts) {
            var written = api.get("/accounts/" + id);
            var projected = api.get("/balances/" + id);
            views.add(new AccountView(id, written.body().path("balance").asText(), written.body().path("version").asLong(),
                    projected.status(), projected.body().path("balance").asText("-"),
                    projected.status() == 200 ? projected.body().path("version").asLong() : -1));
        }
        return new BalancesAgreement(List.copyOf(views));
    }

    /** The lake (synced into a local folder) against the events table, through the SQL reports. */
    public record LakeContents(LedgerExport.Summary ledger, Map<String, Long> tableTotalsPerType, long storedRows,
                               long distinctEvents, ReportResult reconciliation, ReportResult dailyTotals,
                               ReportResult overdraftAudit, ReportResult largeWithdrawals,
                               List<WithdrawalDaysTable.Alert> alerts) {

        /** The example subscriber's alerts as (account, day, total), and the same from the rule's SQL over the lake. */
        public List<String> alertsFound() {
            return alerts.stream().map(a -> a.accountId() + " " + a.day() + " " + a.totalMinor()).sorted().toList();
        }

        public List<String> alertsBySql() {
            int account = largeWithdrawals.column("account_id");
            int date = largeWithdrawals.column("event_date");
            int withdrawn = largeWithdrawals.column("withdrawn");
            return largeWithdrawals.rows().stream().map(row -> row.get(account) + " " + row.get(date) + " " + row.get(withdrawn))
                    .sorted().toList();
        }

        public boolean alertsAgree() {
            return alertsFound().equals(alertsBySql());
        }

        public long tableEvents() {
            return ledger.accounts().values().stream().mapToLong(LedgerExport.Account::eventCount).sum();
        }

        public int tableAccounts() {
            return ledger.accounts().size();
        }

        /** Accounts whose history in the lake is exactly the table's. */
        public long reconciledAccounts() {
            int status = reconciliation.column("status");
            return reconciliation.rows().stream().filter(row -> "ok".equals(row.get(status))).count();
        }

        public boolean reconciles() {
            return reconciledAccounts() == tableAccounts() && reconciliation.rows().size() == reconciledAccounts();
        }

        public Map<String, Long> lakeTotalsPerType() {
            var totals = new TreeMap<String, Long>();
            int type = dailyTotals.column("type");
            int total = dailyTotals.column("total_amount");
            dailyTotals.rows().forEach(row -> totals.merge((String) row.get(type), (Long) row.get(total), Math::addExact));
            return totals;
        }

        public long dailyEventCount() {
            int count = dailyTotals.column("event_count");
            return dailyTotals.rows().stream().mapToLong(row -> (Long) row.get(count)).sum();
        }

        public List<Claim> claims() {
            return List.of(
                    Claim.of("the lake holds every event of the table exactly once after de-duplication",
                            distinctEvents == tableEvents(), distinctEvents + " distinct events in the lake, " + tableEvents() + " in the table"),
                    Claim.of("the daily totals count every event of the table once", dailyEventCount() == tableEvents(),
                            dailyEventCount() + " counted, " + tableEvents() + " in the table"),
                    Claim.of("daily totals per type equal the sums of the events table", lakeTotalsPerType().equals(tableTotalsPerType),
                            lakeTotalsPerType() + " vs " + tableTotalsPerType),
                    Claim.of("the overdraft audit finds no account overdrawn or inconsistent in the lake", overdraftAudit.rows().isEmpty(),
                            overdraftAudit.rows().size() + " problems, e.g. " + first(overdraftAudit.rows())),
                    Claim.of("the reconciliation shows zero differences between the lake and the events table", reconciles(),
                            (tableAccounts() - reconciledAccounts()) + " of " + tableAccounts() + " accounts differ"),
                    Claim.of("the example subscriber's alerts equal its rule as SQL over the lake", alertsAgree(),
                            alertsFound() + " vs " + alertsBySql()));
        }

        @Override
        public String toString() {
            return claims().toString();
        }
    }

    /**
     * Exports the ledger summary (what the reconciliation report compares with), syncs the lake into
     * {@code cacheDir} and runs the reports on DuckDB.
     */
    public static LakeContents lake(DynamoDbClient dynamo, S3Client s3, String bucket, Path cacheDir, AlertsSettings alerts) {
        var ledger = LedgerExport.export(dynamo, EventTable.DEFAULT_NAME, s3, bucket);
        var totals = table(dynamo).totalsPerType();
        new LakeCache(s3, bucket, cacheDir).sync();
        try (var engine = new DuckDbEngine(cacheDir)) {
            var counts = engine.query("SELECT count(*) AS stored, count(DISTINCT event_id) AS distinct_events FROM "
                    + LakeTable.EVENTS, List.of()).rows().getFirst();
            var reports = new ReportRunner(engine);
            return new LakeContents(ledger, totals, (Long) counts.get(0), (Long) counts.get(1),
                    reports.run(Report.RECONCILIATION, Optional.empty()), reports.run(Report.DAILY_TOTALS, Optional.empty()),
                    reports.run(Report.OVERDRAFT_AUDIT, Optional.empty()), engine.query(AlertsQuery.sql(alerts.thresholdMinor()),
                            List.of()), WithdrawalDaysTable.alerts(dynamo, alerts.table()));
        }
    }

    private static String first(Collection<?> values) {
        return values.isEmpty() ? "-" : String.valueOf(values.iterator().next());
    }
}
