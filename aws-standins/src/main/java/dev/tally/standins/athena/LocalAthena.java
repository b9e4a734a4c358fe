package dev.tally.standins.athena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.standins.glue.GlueCatalog;
import dev.tally.standins.json.AwsJsonService.Fault;
import dev.tally.standins.json.AwsJsonService;

import java.net.URI;
import java.nio.file.Path;
import java.sql.SQLException;
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
 * <p>Each query first refreshes the local copy of the bucket (a {@code Runnable}: for example a sync from s3rver)
 * and then runs on DuckDB over the {@link GlueCatalog}'s tables of the query's database, asynchronously: it is QUEUED, RUNNING, then SUCCEEDED or FAILED with
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
        private State state = State.QUEUED;
        private String error;
        private TableViews.Result result;
        private Instant completed;

        Execution(String id, String query, String workGroup, String database, Instant submitted) {
            this.id = id;
            this.query = query;
            this.workGroup = workGroup;
            this.database = database;
            this.submitted = submitted;
        }

        synchronized State state() {
            return state;
        }

        /** QUEUED to RUNNING, unless the query was stopped while it waited. */
        synchronized boolean start() {
            if (state != State.QUEUED) {
                return false;
            }
            state = State.RUNNING;
            return true;
        }

        /** RUNNING to SUCCEEDED or FAILED; a query stopped while it ran stays CANCELLED, as in Athena. */
        synchronized void finish(State end, TableViews.Result result, String error, Instant at) {
            if (state == State.RUNNING) {
                this.state = end;
                this.result = result;
                this.error = error;
                this.completed = at;
            }
        }

        synchronized void cancel(Instant at) {
            if (state == State.QUEUED || state == State.RUNNING) {
                state = State.CANCELLED;
                completed = at;
            }
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final GlueCatalog glue;
    private final Path mirror;
    private final Runnable refresh;
    private final Clock clock;
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final ExecutorService queries = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("athena-query").daemon().factory());
    private final AwsJsonService server;

    /**
     * @param glue    the tables queries may name, by the database of their QueryExecutionContext
     * @param mirror  a folder holding a copy of the tables' bucket, which DuckDB reads
     * @param refresh brings the folder up to date before each query
     */
    public LocalAthena(int port, GlueCatalog glue, Path mirror, Runnable refresh, Clock clock) {
        this.glue = glue;
        this.mirror = mirror;
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
        if (!execution.start()) {
            return;
        }
        try {
            refresh.run();
            var result = TableViews.query(glue.tables(execution.database), mirror, sql);
            execution.finish(State.SUCCEEDED, result, null, clock.instant());
        } catch (SQLException | RuntimeException e) {
            execution.finish(State.FAILED, null, e.getMessage(), clock.instant());
        }
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
        synchronized (execution) {
            return describe(execution);
        }
    }

    private ObjectNode describe(Execution execution) {
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
            // ErrorCategory 2: a user error (1 is system, 3 other)
            status.putObject("AthenaError").put("ErrorCategory", 2).put("ErrorType", 1006).put("Retryable", false)
                    .put("ErrorMessage", execution.error);
        }
        return response;
    }

    private ObjectNode results(JsonNode request) {
        var execution = execution(request);
        var state = execution.state();
        if (state != State.SUCCEEDED) {
            throw new Fault("InvalidRequestException", "Query has not yet finished. Current state: " + state);
        }
        int max = request.path("MaxResults").asInt(MAX_RESULTS);
        if (max < 1 || max > MAX_RESULTS) {
            throw new Fault("InvalidRequestException", "MaxResults must be 1 to " + MAX_RESULTS + ", was " + max);
        }
        int from = request.hasNonNull("NextToken") ? Integer.parseInt(request.get("NextToken").asText()) : 0;
        TableViews.Result result;
        synchronized (execution) {
            result = execution.result;
        }
        // the first page starts with the header row, and it counts against MaxResults
        var all = new ArrayList<List<String>>();
        all.add(result.columns().stream().map(TableViews.ResultColumn::name).toList());
        all.addAll(result.rows());
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
        for (var column : result.columns()) {
            info.addObject().put("CatalogName", "hive").put("Name", column.name()).put("Label", column.name())
                    .put("Type", column.type()).put("Nullable", "UNKNOWN");
        }
        if (to < all.size()) {
            response.put("NextToken", Integer.toString(to));
        }
        response.put("UpdateCount", 0);
        return response;
    }

    private ObjectNode stop(JsonNode request) {
        execution(request).cancel(clock.instant());
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
