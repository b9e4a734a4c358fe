package dev.tally.analytics;

import software.amazon.awssdk.services.athena.AthenaClient;
import software.amazon.awssdk.services.athena.model.ColumnInfo;
import software.amazon.awssdk.services.athena.model.Datum;
import software.amazon.awssdk.services.athena.model.QueryExecutionState;
import software.amazon.awssdk.services.athena.model.StartQueryExecutionRequest;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reports on Amazon Athena: {@code StartQueryExecution} in the configured workgroup and database, then
 * {@code GetQueryExecution} until the query ends (polling from 100 ms, doubling to 2 s), then every page of
 * {@code GetQueryResults}. Parameters travel as {@code ExecutionParameters}, which Athena substitutes as SQL
 * literals, so strings are quoted here.
 */
public final class AthenaEngine implements ReportEngine {

    /**
     * @param outputLocation {@code s3://...} for result files; empty uses the workgroup's setting
     * @param timeout        how long a query may run before it is cancelled
     */
    public record Settings(String workGroup, String database, Optional<String> outputLocation, Duration timeout) {
    }

    private static final int PAGE_SIZE = 1000;
    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration MAX_POLL = Duration.ofSeconds(2);

    private final AthenaClient athena;
    private final Settings settings;

    public AthenaEngine(AthenaClient athena, Settings settings) {
        this.athena = athena;
        this.settings = settings;
    }

    @Override
    public void query(String sql, List<String> stringParameters, RowSink sink) {
        var request = StartQueryExecutionRequest.builder()
                .queryString(sql)
                .workGroup(settings.workGroup())
                .queryExecutionContext(c -> c.database(settings.database()));
        if (!stringParameters.isEmpty()) {
            request.executionParameters(stringParameters.stream().map(AthenaEngine::quoted).toList());
        }
        settings.outputLocation().ifPresent(location -> request.resultConfiguration(r -> r.outputLocation(location)));
        var id = athena.startQueryExecution(request.build()).queryExecutionId();
        awaitSuccess(id);
        readResults(id, sink);
    }

    private void awaitSuccess(String id) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        var pause = FIRST_POLL;
        while (true) {
            var execution = athena.getQueryExecution(b -> b.queryExecutionId(id)).queryExecution();
            var status = execution.status();
            var state = status.state();
            if (state == QueryExecutionState.SUCCEEDED) {
                return;
            }
            if (state == QueryExecutionState.FAILED || state == QueryExecutionState.CANCELLED) {
                var reason = status.athenaError() != null && status.athenaError().errorMessage() != null
                        ? status.athenaError().errorMessage() : status.stateChangeReason();
                throw new ReportFailedException("Athena query " + id + " " + state + ": " + reason);
            }
            if (System.nanoTime() > deadline) {
                athena.stopQueryExecution(b -> b.queryExecutionId(id));
                throw new ReportFailedException("Athena query " + id + " still " + state + " after "
                        + settings.timeout() + "; cancelled");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                athena.stopQueryExecution(b -> b.queryExecutionId(id));
                throw new ReportFailedException("interrupted while waiting for Athena query " + id + "; cancelled");
            }
            pause = pause.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : pause.multipliedBy(2);
        }
    }

    private void readResults(String id, RowSink sink) {
        List<ColumnInfo> columns = null;
        boolean header = true;
        for (var page : athena.getQueryResultsPaginator(b -> b.queryExecutionId(id).maxResults(PAGE_SIZE))) {
            if (columns == null) {
                columns = page.resultSet().resultSetMetadata().columnInfo();
                sink.columns(columns.stream().map(ColumnInfo::name).toList());
            }
            for (var row : page.resultSet().rows()) {
                if (header) {
                    // the first row of the first page repeats the column names
                    header = false;
                    continue;
                }
                var values = new ArrayList<Object>(columns.size());
                for (int i = 0; i < columns.size(); i++) {
                    values.add(value(row.data().get(i), columns.get(i).type()));
                }
                sink.row(values);
            }
        }
    }

    /** Athena returns every value as text; its column type says what it was. */
    static Object value(Datum datum, String type) {
        var text = datum.varCharValue();
        if (text == null) {
            return null;
        }
        return switch (type) {
            case "tinyint", "smallint", "integer", "bigint" -> Long.parseLong(text);
            case "decimal" -> new BigDecimal(text);
            case "real", "float", "double" -> Double.parseDouble(text);
            default -> text;
        };
    }

    static String quoted(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String describe() {
        return "Athena (workgroup " + settings.workGroup() + ", database " + settings.database() + ")";
    }

    @Override
    public void close() {
        athena.close();
    }
}
