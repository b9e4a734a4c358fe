package dev.tally.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Times the lake's reports on DuckDB over two synthetic lakes of the same events, with the same duplicates: one as
 * Firehose leaves it (every day de-duplicated by the reports) and one compacted by {@link LakeCompaction} (closed
 * days read as they are), and checks that both give the same answers. What {@code ./tally bench-reports} prints,
 * and what a benchmark suite can call for its figures.
 */
public final class ReportBenchmark {

    /** The synthetic lake: {@code accounts × eventsPerAccount} events over {@code days} days from {@code firstDay}. */
    public record Shape(long accounts, int eventsPerAccount, int days, LocalDate firstDay, int duplicatesPerMille) {
        public Shape {
            if (accounts < 1 || eventsPerAccount < 1 || days < 1 || duplicatesPerMille < 1 || duplicatesPerMille > 1000) {
                throw new IllegalArgumentException("accounts, events per account and days must be positive and "
                        + "duplicates per thousand 1 to 1000, were " + accounts + ", " + eventsPerAccount + ", " + days
                        + " and " + duplicatesPerMille);
            }
        }

        /** About ten million events over a year, one in a hundred delivered twice before compaction. */
        public static Shape tenMillionEvents() {
            return of(10_000_000, 100, 365, 10);
        }

        public static Shape of(long events, int eventsPerAccount, int days, int duplicatesPerMille) {
            return new Shape(Math.max(1, events / eventsPerAccount), eventsPerAccount, days, LocalDate.of(2025, 1, 1),
                    duplicatesPerMille);
        }

        public long events() {
            return accounts * eventsPerAccount;
        }

        /** The day of the last events. */
        public LocalDate lastDay() {
            long secondsPerEvent = Math.max(1, (long) days * 86_400 / eventsPerAccount);
            long lastSecond = (eventsPerAccount - 1) * secondsPerEvent + secondsPerEvent - 1;
            return firstDay.plusDays(lastSecond / 86_400);
        }

        /**
         * When the compacted lake is compacted: the day after its last events, so with the default grace period its
         * last two days stay open, as the newest days of a live lake are.
         */
        public Clock compactionClock() {
            return Clock.fixed(lastDay().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), ZoneOffset.UTC);
        }

        String describe() {
            return accounts + " accounts x " + eventsPerAccount + " events over " + days + " days, " + duplicatesPerMille
                    + " per thousand copied before compaction and again after";
        }
    }

    /** Seconds over the runs of one measurement. */
    public record Seconds(double median, double min, double max) {
        static Seconds of(double[] runs) {
            var sorted = runs.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Seconds(median, sorted[0], sorted[n - 1]);
        }
    }

    /** Which of the two lakes a figure is for. */
    public enum Lake { UNCOMPACTED, COMPACTED }

    /**
     * One report on one lake: its rows, the time to compute it inside DuckDB, the time to fetch every row through
     * JDBC (empty unless asked for), and the fingerprint of its answer.
     */
    public record Timing(String report, Lake lake, long rows, Seconds inEngine, java.util.Optional<Seconds> fetched,
                         String fingerprint) {
    }

    /**
     * Every figure of a run. {@code exact} holds when each shipped report gave the same rows on both lakes: the
     * compacted answer equals the uncompacted, fully de-duplicated one.
     */
    public record Figures(Shape shape, int runs, long uncompactedRows, long compactedRows, long openRowsAfterCompaction,
                          List<Timing> timings, boolean exact) {

        public Timing timing(String report, Lake lake) {
            return timings.stream().filter(t -> t.report().equals(report) && t.lake() == lake).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no figure for " + report + " on the " + lake + " lake"));
        }
    }

    /** For comparison: daily totals without removing duplicates (not a shipped report, and wrong under duplicates). */
    public static final String DAILY_TOTALS_WITHOUT_DEDUP = """
            SELECT event_date, type, count(*) AS event_count, CAST(sum(amount) AS bigint) AS total_amount
            FROM lake_events GROUP BY event_date, type ORDER BY event_date, type""";
    public static final String DAILY_TOTALS_WITHOUT_DEDUP_NAME = "daily-totals without de-duplication";

    private static final String MARKER = "generated-with.txt";

    private ReportBenchmark() {
    }

    /**
     * Generates the two lakes under {@code dir} ({@code uncompacted/}, {@code compacted/}) unless they are there with
     * this shape, times daily totals and end-of-day balances on each {@code runs} times, and compares the answers.
     */
    public static Figures run(Path dir, Shape shape, int runs, boolean fetch, Consumer<String> progress) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be positive, was " + runs);
        }
        var uncompacted = dir.resolve("uncompacted");
        var compacted = dir.resolve("compacted");
        prepare(dir, shape, progress);
        var timings = new ArrayList<Timing>();
        long uncompactedRows;
        long compactedRows;
        long openRows;
        try (var engine = new DuckDbEngine(uncompacted)) {
            uncompactedRows = count(engine, "SELECT count(*) FROM " + LakeTable.EVENTS);
            progress.accept("uncompacted lake: " + uncompactedRows + " rows in " + LakeTable.EVENTS);
            timings.add(time(engine, Lake.UNCOMPACTED, Report.DAILY_TOTALS.reportName(), Report.DAILY_TOTALS.sql(), runs, fetch));
            timings.add(time(engine, Lake.UNCOMPACTED, DAILY_TOTALS_WITHOUT_DEDUP_NAME, DAILY_TOTALS_WITHOUT_DEDUP, runs, fetch));
            timings.add(time(engine, Lake.UNCOMPACTED, Report.END_OF_DAY_BALANCES.reportName(), Report.END_OF_DAY_BALANCES.sql(), runs, fetch));
        }
        try (var engine = new DuckDbEngine(compacted)) {
            compactedRows = count(engine, "SELECT count(*) FROM " + LakeTable.COMPACTED);
            openRows = count(engine, "SELECT count(*) FROM " + LakeTable.EVENTS);
            progress.accept("compacted lake: " + compactedRows + " rows in " + LakeTable.COMPACTED + ", " + openRows
                    + " open rows in " + LakeTable.EVENTS);
            timings.add(time(engine, Lake.COMPACTED, Report.DAILY_TOTALS.reportName(), Report.DAILY_TOTALS.sql(), runs, fetch));
            timings.add(time(engine, Lake.COMPACTED, Report.END_OF_DAY_BALANCES.reportName(), Report.END_OF_DAY_BALANCES.sql(), runs, fetch));
        }
        boolean exact = true;
        for (var report : List.of(Report.DAILY_TOTALS, Report.END_OF_DAY_BALANCES)) {
            var before = timings.stream().filter(t -> t.report().equals(report.reportName()) && t.lake() == Lake.UNCOMPACTED).findFirst().orElseThrow();
            var after = timings.stream().filter(t -> t.report().equals(report.reportName()) && t.lake() == Lake.COMPACTED).findFirst().orElseThrow();
            exact &= before.fingerprint().equals(after.fingerprint());
        }
        return new Figures(shape, runs, uncompactedRows, compactedRows, openRows, List.copyOf(timings), exact);
    }

    /** Times {@code sql} on {@code engine}: computed inside DuckDB, and (if {@code fetch}) fetched row by row. */
    public static Timing time(DuckDbEngine engine, Lake lake, String name, String sql, int runs, boolean fetch) {
        var inside = new double[runs];
        var fetched = new double[runs];
        long rows = 0;
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            rows = engine.materialize(sql);
            inside[run] = (System.nanoTime() - start) / 1e9;
            if (fetch) {
                var counted = new long[1];
                start = System.nanoTime();
                engine.query(sql, List.of(), new ReportEngine.RowSink() {
                    @Override
                    public void columns(List<String> names) {
                    }

                    @Override
                    public void row(List<Object> values) {
                        counted[0]++;
                    }
                });
                fetched[run] = (System.nanoTime() - start) / 1e9;
                if (counted[0] != rows) {
                    throw new IllegalStateException(name + ": fetched " + counted[0] + " rows but the query produced " + rows);
                }
            }
        }
        return new Timing(name, lake, rows, Seconds.of(inside),
                fetch ? java.util.Optional.of(Seconds.of(fetched)) : java.util.Optional.empty(), engine.fingerprint(sql));
    }

    /**
     * Makes both lakes unless they match {@code shape}: the events with copies of some of them on every day, the
     * same again compacted as of {@link Shape#compactionClock()}, then late copies in both (on the last compacted
     * days and the open ones), which the compacted lake holds as open rows.
     */
    static void prepare(Path dir, Shape shape, Consumer<String> progress) {
        var marker = dir.resolve(MARKER);
        try {
            if (Files.exists(marker) && Files.readString(marker).equals(shape.describe())) {
                progress.accept("reusing the synthetic lakes in " + dir + " (" + shape.describe() + ")");
                return;
            }
            deleteRecursively(dir);
            var uncompacted = dir.resolve("uncompacted");
            var compacted = dir.resolve("compacted");
            var late = dir.resolve("late-copies");
            progress.accept("generating " + shape.events() + " events (" + shape.describe() + ") into " + uncompacted + " ...");
            SyntheticLake.write(uncompacted, shape.accounts(), shape.eventsPerAccount(), shape.days(), shape.firstDay());
            SyntheticLake.writeCopies(uncompacted, shape.accounts(), shape.eventsPerAccount(), shape.days(), shape.firstDay(),
                    shape.duplicatesPerMille(), 1, shape.firstDay(), shape.lastDay());
            progress.accept("copying it to " + compacted + " and compacting that ...");
            copyTree(uncompacted, compacted);
            var work = Files.createDirectories(dir.resolve("compaction-work"));
            var compaction = new LakeCompaction(new LakeFolder(compacted), shape.compactionClock(),
                    LakeCompaction.DEFAULT_GRACE_DAYS, work);
            var days = compaction.run(line -> { });
            long removed = days.stream().mapToLong(LakeCompaction.Rewritten::duplicatesRemoved).sum();
            progress.accept("compacted " + days.size() + " days before " + compaction.firstOpenDay() + " (" + removed
                    + " duplicates removed)");
            var firstOpen = compaction.firstOpenDay();
            SyntheticLake.writeCopies(late, shape.accounts(), shape.eventsPerAccount(), shape.days(), shape.firstDay(),
                    shape.duplicatesPerMille(), 2, firstOpen.minusDays(7), shape.lastDay());
            copyTree(late, uncompacted);
            copyTree(late, compacted);
            deleteRecursively(late);
            deleteRecursively(work);
            progress.accept("added late copies from " + firstOpen.minusDays(7) + " on to both lakes");
            Files.writeString(marker, shape.describe());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the synthetic lakes in " + dir, e);
        }
    }

    private static long count(DuckDbEngine engine, String sql) {
        return (Long) engine.query(sql, List.of()).rows().getFirst().getFirst();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (var source : (Iterable<Path>) paths::iterator) {
                var target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (var path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
