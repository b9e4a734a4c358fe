package dev.tally.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Rewrites each closed day of {@link LakeTable#EVENTS} de-duplicated into {@link LakeTable#COMPACTED}, so reports
 * read closed days without grouping ten million event ids (see analytics/README.md, "Compaction").
 *
 * <p>A day is compacted in three steps, each of which leaves the lake exact for a reader:
 * <ol>
 *   <li>{@link #plan}: list the day's raw objects (only these will be deleted);</li>
 *   <li>{@link #rewrite}: read them, and the day's compacted object if there is one, keep one row per
 *       {@code event_id}, and put the result in one step at the day's single compacted key. From then until the
 *       deletes, the day's events are both compacted and raw: the reports drop open rows whose event is compacted,
 *       so nothing is counted twice;</li>
 *   <li>{@link #deleteRaw}: delete the listed raw objects. Objects that Firehose delivered for the day after the
 *       listing (late copies, or a late event) stay raw, are read as open rows, and are merged on the next run.</li>
 * </ol>
 * A crash anywhere leaves one of those states, and a re-run merges what is left into the same compacted object: the
 * job is idempotent. Two jobs must not compact the same lake at once (the later PUT could drop rows the earlier
 * one listed and then deleted); the schedule runs one.
 */
public final class LakeCompaction {

    /**
     * Days a finished day stays open. A row reaches the lake at most about 24 h after its event in normal operation
     * (the stream keeps records 24 h; Firehose buffers at most 5 min and retries partitioning 5 min), so a day is
     * compacted once two whole days have passed after it. Rows later than that (a dead-letter redrive) are still
     * counted exactly, as open rows, and merged by the next run: the grace only spares the job rewriting a day twice.
     */
    public static final int DEFAULT_GRACE_DAYS = 2;
    /** The one object of a compacted day, under {@code compacted/event_date=yyyy-MM-dd/}. */
    public static final String COMPACTED_OBJECT = "events" + LakeDelivery.FILE_EXTENSION;

    /** What step 1 found for a day: the raw objects to merge and then delete. */
    public record Plan(LocalDate day, List<String> rawKeys) {
        public Plan {
            rawKeys = List.copyOf(rawKeys);
        }
    }

    /** What a day's rewrite did: rows read (raw and previously compacted) and events written. */
    public record Rewritten(LocalDate day, int rawObjects, long rowsRead, long eventsWritten) {
        public long duplicatesRemoved() {
            return rowsRead - eventsWritten;
        }
    }

    private final LakeObjects lake;
    private final Clock clock;
    private final int graceDays;
    private final Path workDir;

    /**
     * @param workDir where downloads and the new day's file go before they are put in place; DuckDB's temporary
     *                files too
     */
    public LakeCompaction(LakeObjects lake, Clock clock, int graceDays, Path workDir) {
        if (graceDays < 0) {
            throw new IllegalArgumentException("the grace period must be zero or more days, was " + graceDays);
        }
        this.lake = lake;
        this.clock = clock;
        this.graceDays = graceDays;
        this.workDir = workDir;
    }

    /** The first open day: days strictly before it are closed. Today's UTC date minus the grace period. */
    public LocalDate firstOpenDay() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(graceDays);
    }

    /** Every closed day that has raw objects: never compacted, or with rows that arrived since it was. */
    public List<Plan> plans() {
        var byDay = new TreeMap<LocalDate, List<String>>();
        var firstOpen = firstOpenDay();
        for (var key : lake.list(LakeTable.EVENTS_PREFIX)) {
            var day = dayOf(key);
            if (day.isBefore(firstOpen)) {
                byDay.computeIfAbsent(day, d -> new ArrayList<>()).add(key);
            }
        }
        return byDay.entrySet().stream().map(e -> new Plan(e.getKey(), e.getValue())).toList();
    }

    /** Step 1 for one day: its raw objects now. */
    public Plan plan(LocalDate day) {
        return new Plan(day, lake.list(partition(LakeTable.EVENTS_PREFIX, day)));
    }

    /**
     * Step 2: merges the plan's raw objects into the day's compacted object, one row per event, and puts it in place.
     * Of an event's copies it keeps the one with the most columns filled (a copy written before a column existed has
     * it null), as {@link LakeHistory} does. Rows are ordered by account and version, which compresses well.
     */
    public Rewritten rewrite(Plan plan) {
        var compactedKey = compactedKey(plan.day());
        var existing = lake.list(partition(LakeTable.COMPACTED_PREFIX, plan.day())).contains(compactedKey);
        var dayDir = workDir.resolve(plan.day().toString());
        try {
            Files.createDirectories(dayDir);
            var inputs = new ArrayList<Path>();
            for (var key : plan.rawKeys()) {
                inputs.add(lake.fetch(key, dayDir));
            }
            if (existing) {
                inputs.add(lake.fetch(compactedKey, dayDir));
            }
            if (inputs.isEmpty()) {
                return new Rewritten(plan.day(), 0, 0, 0);
            }
            var output = dayDir.resolve("compacted-" + plan.day() + LakeDelivery.FILE_EXTENSION);
            long read;
            long written;
            try (var connection = DriverManager.getConnection("jdbc:duckdb:")) {
                execute(connection, "SET TimeZone = 'UTC'");
                execute(connection, "SET temp_directory = " + DuckDbEngine.literal(dayDir.resolve("duckdb").toString()));
                var from = "read_parquet([" + inputs.stream().map(p -> DuckDbEngine.literal(p.toString()))
                        .collect(Collectors.joining(", ")) + "], union_by_name = true, hive_partitioning = false)";
                read = count(connection, "SELECT count(*) FROM " + from);
                var present = columnNames(connection, from);
                var columns = LakeTable.EVENT_COLUMNS.stream()
                        .map(c -> "CAST(" + (present.contains(c.name()) ? c.name() : "NULL") + " AS "
                                + DuckDbEngine.duckType(c.type()) + ") AS " + c.name())
                        .collect(Collectors.joining(", "));
                execute(connection, "COPY (SELECT * FROM (SELECT DISTINCT ON (" + LakeTable.EVENT_ID + ") * FROM (SELECT "
                        + columns + " FROM " + from + ") ORDER BY " + LakeTable.EVENT_ID + ", " + LakeHistory.FULLEST_COPY_FIRST
                        + ") ORDER BY " + LakeTable.ACCOUNT_ID + ", " + LakeTable.VERSION + ") TO "
                        + DuckDbEngine.literal(output.toString()) + " (FORMAT parquet, COMPRESSION snappy)");
                written = count(connection, "SELECT count(*) FROM read_parquet(" + DuckDbEngine.literal(output.toString()) + ")");
            }
            lake.replace(compactedKey, output);
            return new Rewritten(plan.day(), plan.rawKeys().size(), read, written);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot compact " + plan.day() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compact " + plan.day() + " in " + dayDir, e);
        } finally {
            deleteRecursively(dayDir);
        }
    }

    /** Step 3: deletes the raw objects the plan listed, now that the compacted object holds their rows. */
    public void deleteRaw(Plan plan) {
        plan.rawKeys().forEach(lake::delete);
    }

    /** Compacts every closed day that has raw objects, one after another, reporting each on {@code progress}. */
    public List<Rewritten> run(Consumer<String> progress) {
        var plans = plans();
        progress.accept(plans.isEmpty()
                ? "no closed day before " + firstOpenDay() + " has raw objects in " + lake.describe() + ": nothing to compact"
                : plans.size() + " closed days (before " + firstOpenDay() + ") to compact in " + lake.describe());
        var done = new ArrayList<Rewritten>();
        for (var plan : plans) {
            var rewritten = rewrite(plan);
            deleteRaw(plan);
            done.add(rewritten);
            progress.accept("compacted " + plan.day() + ": " + rewritten.rawObjects() + " raw objects, "
                    + rewritten.rowsRead() + " rows read, " + rewritten.eventsWritten() + " events written ("
                    + rewritten.duplicatesRemoved() + " duplicates removed)");
        }
        return done;
    }

    /** The key of a day's one compacted object. */
    public static String compactedKey(LocalDate day) {
        return partition(LakeTable.COMPACTED_PREFIX, day) + COMPACTED_OBJECT;
    }

    static String partition(String prefix, LocalDate day) {
        return prefix + LakeTable.EVENT_DATE + "=" + day + "/";
    }

    /**
     * The event date of a raw object, from its partition folder.
     *
     * @throws IllegalStateException for a key outside a partition folder: nothing else should be there, and a job
     *                               that skipped it could never account for its rows
     */
    static LocalDate dayOf(String key) {
        var folder = LakeTable.EVENTS_PREFIX + LakeTable.EVENT_DATE + "=";
        int slash = key.indexOf('/', folder.length());
        if (!key.startsWith(folder) || slash < 0) {
            throw new IllegalStateException("lake object " + key + " is not in an " + folder + "yyyy-MM-dd/ folder");
        }
        try {
            return LocalDate.parse(key.substring(folder.length(), slash));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("lake object " + key + " has no date in its partition folder", e);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (var statement = connection.createStatement(); var result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static Set<String> columnNames(Connection connection, String from) throws SQLException {
        var names = new HashSet<String>();
        try (var statement = connection.createStatement();
             var described = statement.executeQuery("DESCRIBE SELECT * FROM " + from)) {
            while (described.next()) {
                names.add(described.getString("column_name"));
            }
        }
        return names;
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }
}
