package dev.tally.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.analytics.DuckDbEngine;
import dev.tally.analytics.ReportResult;
import dev.tally.local.AwsJsonService.Fault;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Amazon Athena for one machine, on DuckDB: the
 * <a href="https://docs.aws.amazon.com/athena/latest/APIReference/API_Operations.html">Athena API</a> calls the
 * report runner makes (StartQueryExecution with ExecutionParameters, GetQueryExecution, GetQueryResults with
 * paging, StopQueryExecution) on 127.0.0.1, so {@code AthenaEngine} runs here exactly as it does against AWS.
 *
 * <p>Each query first refreshes the lake folder (a {@code Runnable} given by the local stack: a sync from s3rver)
 * and then runs on {@link DuckDbEngine}, asynchronously: it is QUEUED, RUNNING, then SUCCEEDED or FAILED with
 * Athena's {@code Fault}. Results come as Athena sends them: every value as text, the column names repeated
 * as the first row of the first page, at most 1,000 rows per page with a {@code NextToken}. Parameters are
 * substituted for {@code ?} as SQL literals, as Athena does. No result files are written to S3.
 */
public final class LocalAthena implements AutoCloseable {

    private static final String TARGET = "AmazonAthena.";
    static final int MAX_RESULTS = 1000;

    private enum State { QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED }

    private static final class Execution {
        final String id;
        final String query;
        final String workGroup;
        final String database;
        final Instant submitted;
        volatile State state = State.QUEUED;
        volatile String error;
        volatile ReportResult result;
        volatile Instant completed;

        Execution(String id, String query, String workGroup, String database, Instant submitted) {
            this.id = id;
            this.query = query;
            this.workGroup = workGroup;
            this.database = database;
            this.submitted = submitted;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Path lake;
    private final Runnable refresh;
    private final Clock clock;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final ExecutorService queries = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("athena-query").daemon().factory());
    private final AwsJsonService server;

    /**
     * @param lake    the folder DuckDB reads, laid out like the lake bucket
     * @param refresh brings the folder up to date before each query
     */
    public LocalAthena(int port, Path lake, Runnable refresh, Clock clock) {
        this.lake = lake;
        this.refresh = refresh;
        this.clock = clock;
        server = new AwsJsonService("athena", port, 4, TARGET, "Message", this::handle);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    private ObjectNode handle(String operation, JsonNode request) {
        return switch (operation) {
            case "StartQueryExecution" -> start(request);
            case "GetQueryExecution" -> describe(request);
            case "GetQueryResults" -> results(request);
            case "StopQueryExecution" -> stop(request);
            default -> throw new Fault("InvalidRequestException", "the local Athena does not implement " + operation);
        };
    }

    private ObjectNode start(JsonNode request) {
        var query = request.path("QueryString").asText("");
        if (query.isBlank()) {
            throw new Fault("InvalidRequestException", "QueryString is required");
        }
        var parameters = new ArrayList<String>();
        request.path("ExecutionParameters").forEach(p -> parameters.add(p.asText()));
        var sql = substitute(query, parameters);
        var execution = new Execution(UUID.randomUUID().toString(), query, request.path("WorkGroup").asText("primary"),
                request.path("QueryExecutionContext").path("Database").asText("default"), clock.instant());
        executions.put(execution.id, execution);
        queries.submit(() -> run(execution, sql));
        return json.createObjectNode().put("QueryExecutionId", execution.id);
    }

    private void run(Execution execution, String sql) {
        if (execution.state == State.CANCELLED) {
            return;
        }
        execution.state = State.RUNNING;
        try {
            refresh.run();
            try (var engine = new DuckDbEngine(lake)) {
                execution.result = engine.query(sql, List.of());
            }
            execution.state = State.SUCCEEDED;
        } catch (RuntimeException e) {
            execution.error = e.getMessage();
            execution.state = State.FAILED;
        }
        execution.completed = clock.instant();
    }

    /** Replaces each {@code ?} outside string literals with the next parameter, as Athena's prepared statements do. */
    static String substitute(String query, List<String> parameters) {
        var sql = new StringBuilder();
        int next = 0;
        boolean inString = false;
        for (char c : query.toCharArray()) {
            if (c == '\'') {
                inString = !inString;
            }
            if (c == '?' && !inString) {
                if (next >= parameters.size()) {
                    throw new Fault("InvalidRequestException", "the query has more ? placeholders than ExecutionParameters ("
                            + parameters.size() + ")");
                }
                sql.append(parameters.get(next++));
            } else {
                sql.append(c);
            }
        }
        if (next != parameters.size()) {
            throw new Fault("InvalidRequestException", parameters.size() + " ExecutionParameters for " + next + " placeholders");
        }
        return sql.toString();
    }

    private Execution execution(JsonNode request) {
        var id = request.path("QueryExecutionId").asText("");
        var execution = executions.get(id);
        if (execution == null) {
            throw new Fault("InvalidRequestException", "QueryExecution " + id + " was not found");
        }
        return execution;
    }

    private ObjectNode describe(JsonNode request) {
        var execution = execution(request);
        var response = json.createObjectNode();
        var description = response.putObject("QueryExecution")
                .put("QueryExecutionId", execution.id)
                .put("Query", execution.query)
                .put("StatementType", "DML")
                .put("WorkGroup", execution.workGroup);
        description.putObject("QueryExecutionContext").put("Database", execution.database);
        var status = description.putObject("Status")
                .put("State", execution.state.name())
                .put("SubmissionDateTime", execution.submitted.toEpochMilli() / 1000.0);
        if (execution.completed != null) {
            status.put("CompletionDateTime", execution.completed.toEpochMilli() / 1000.0);
        }
        if (execution.state == State.FAILED) {
            status.put("StateChangeReason", execution.error);
            status.putObject("Fault").put("ErrorCategory", 2).put("ErrorType", 1006).put("Retryable", false)
                    .put("ErrorMessage", execution.error);
        }
        return response;
    }

    private ObjectNode results(JsonNode request) {
        var execution = execution(request);
        if (execution.state != State.SUCCEEDED) {
            throw new Fault("InvalidRequestException", "Query has not yet finished. Current state: " + execution.state);
        }
        int max = request.path("MaxResults").asInt(MAX_RESULTS);
        if (max < 1 || max > MAX_RESULTS) {
            throw new Fault("InvalidRequestException", "MaxResults must be 1 to " + MAX_RESULTS + ", was " + max);
        }
        int from = request.hasNonNull("NextToken") ? Integer.parseInt(request.get("NextToken").asText()) : 0;
        var result = execution.result;
        // the first page starts with the header row, and it counts against MaxResults
        var all = new ArrayList<List<String>>();
        all.add(result.columns());
        result.rows().forEach(r -> all.add(r.stream().map(v -> v == null ? null : text(v)).toList()));
        int to = Math.min(all.size(), from + max);
        var response = json.createObjectNode();
        var set = response.putObject("ResultSet");
        var rows = set.putArray("Rows");
        for (var row : all.subList(from, to)) {
            var data = rows.addObject().putArray("Data");
            row.forEach(value -> {
                var datum = data.addObject();
                if (value != null) {
                    datum.put("VarCharValue", value);
                }
            });
        }
        var info = set.putObject("ResultSetMetadata").putArray("ColumnInfo");
        for (int i = 0; i < result.columns().size(); i++) {
            var name = result.columns().get(i);
            info.addObject().put("CatalogName", "hive").put("Name", name).put("Label", name)
                    .put("Type", type(result, i)).put("Nullable", "UNKNOWN");
        }
        if (to < all.size()) {
            response.put("NextToken", Integer.toString(to));
        }
        response.put("UpdateCount", 0);
        return response;
    }

    private static String text(Object value) {
        return value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    }

    /** Athena's type name for a column, from the values DuckDB gave. */
    private static String type(ReportResult result, int column) {
        for (var row : result.rows()) {
            var value = row.get(column);
            if (value != null) {
                return switch (value) {
                    case Long l -> "bigint";
                    case BigDecimal d -> "decimal";
                    case Double d -> "double";
                    default -> "varchar";
                };
            }
        }
        return "varchar";
    }

    private ObjectNode stop(JsonNode request) {
        var execution = execution(request);
        if (execution.state == State.QUEUED || execution.state == State.RUNNING) {
            execution.state = State.CANCELLED;
            execution.completed = clock.instant();
        }
        return json.createObjectNode();
    }

    @Override
    public void close() {
        server.close();
        queries.shutdownNow();
    }

    @Override
    public String toString() {
        return "Athena stand-in on " + endpoint();
    }
}
