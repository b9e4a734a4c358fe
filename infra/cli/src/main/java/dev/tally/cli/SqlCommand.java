package dev.tally.cli;

import dev.tally.analytics.AdHocQuery;
import dev.tally.analytics.LakeTable;
import dev.tally.analytics.ReportFailedException;
import dev.tally.analytics.ReportOutput;
import dev.tally.analytics.SavedQueries;
import dev.tally.devstack.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** An analyst's own SQL on the lake, on the engines the reports run on. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = {"Run your own SQL query on the data lake, or list its tables.",
                "The query comes from the argument, from --file, or from stdin (QUERY '-', or none). It must be one "
                        + "SELECT, WITH or VALUES statement. Before it runs it is checked for what would not run on "
                        + "Athena engine v3 (QUALIFY, ::, GROUP BY ALL, ...; the list the reports follow): each one is "
                        + "named with its line and column, as a warning, or a refusal with --strict, in which case nothing "
                        + "runs. A failing query prints the engine's message and position.",
                "Engines as for ./tally report: DuckDB over the running stack's lake (the default), a lake folder "
                        + "(--dir), or Athena (--engine athena; after eval \"$(./tally env)\", the local stand-in). "
                        + "Progress goes to stderr, rows to stdout.",
                "--save NAME keeps the query beside the reports (" + SavedQueries.SOURCE_FOLDER + "/NAME.sql), "
                        + "after it ran: ./tally report NAME runs it, and ./tally synth installs it as an Athena named "
                        + "query. A saved query must be portable (--save implies --strict); commit it like code."})
final class SqlCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "The SQL, quoted; '-' reads it from stdin.")
    String query;

    @Option(names = "--file", paramLabel = "FILE.sql", description = "Read the query from this file.")
    Path file;

    @Option(names = "--tables", description = "List the tables and their columns instead of running a query.")
    boolean tables;

    @Option(names = "--strict", description = "Refuse a query that would not run on Athena, instead of warning.")
    boolean strict;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--save", paramLabel = "NAME", description = "After it ran, keep the query as a report named NAME "
            + "(lower-case words joined by '-').")
    String save;

    @Option(names = "--description", paramLabel = "TEXT", description = "With --save: one line saying what it answers "
            + "(default: the query's name).")
    String description;

    @Option(names = "--replace", description = "With --save: replace a saved query of the same name.")
    boolean replace;

    @Mixin
    LakeEngineOptions lake;

    @Override
    public Integer call() throws Exception {
        var output = ReportOutput.format(format);
        if (tables) {
            if (query != null || file != null || save != null) {
                throw new IllegalArgumentException("--tables lists the tables; it takes no query, --file or --save");
            }
            listTables(ReportOutput.of(output, System.out));
            return 0;
        }
        if (save == null && (description != null || replace)) {
            throw new IllegalArgumentException("--description and --replace go with --save NAME");
        }
        if (save != null) {
            if (!Files.isDirectory(ReportCommand.savedFolder().getParent())) {
                throw new IllegalArgumentException("--save keeps the query in a Tally checkout, beside the reports, and "
                        + TallyCli.home() + " is not one (no " + SavedQueries.SOURCE_FOLDER + "/..); run ./tally from the checkout");
            }
            SavedQueries.checkCanSave(ReportCommand.savedFolder(), save, description(), replace); // before the query runs
        }
        var adHoc = AdHocQuery.of(text());
        var refuse = strict || save != null;
        for (var finding : adHoc.findings()) {
            System.err.println("tally: " + (refuse ? "not portable" : "warning: not portable") + ", " + finding);
        }
        if (refuse && !adHoc.findings().isEmpty()) {
            System.err.println("tally: refused: " + adHoc.findings().size() + " construct(s) would not run on Athena engine v3"
                    + (save != null ? " (a saved query must run there)" : " (--strict)") + "; nothing was run");
            return 1;
        }
        var progress = new Progress(System.err);
        // a lake folder (--dir) has whatever ledger export it holds; the stack's gets a fresh one
        var needsExport = adHoc.reads(LakeTable.LEDGER_ACCOUNTS) && lake.dir == null;
        try (var engine = lake.open(needsExport, "a query of " + LakeTable.LEDGER_ACCOUNTS, progress)) {
            progress.step("running the query on " + engine.describe());
            var sink = ReportOutput.of(output, System.out);
            try {
                engine.query(adHoc.sql(), List.of(), sink);
            } catch (ReportFailedException e) {
                System.err.println("tally: the query failed: " + e.getMessage());
                return 1;
            }
            progress.step(sink.finish() + " rows");
        }
        if (save != null) {
            var saved = SavedQueries.save(ReportCommand.savedFolder(), save, description(), adHoc, Clock.systemUTC().instant(), replace);
            progress.step("saved as " + ReportCommand.savedFolder().resolve(save + ".sql") + ": ./tally report "
                    + saved.reportName() + " runs it, ./tally synth makes it an Athena named query; commit it to share it");
        }
        return 0;
    }

    /** With --save: the description given, or the query's name. */
    private String description() {
        return description == null ? save : description;
    }

    /** The query's text from exactly one place: the argument, --file, or stdin. Strict UTF-8. */
    private String text() throws IOException {
        if (query != null && file != null) {
            throw new IllegalArgumentException("give the query once: as an argument or with --file, not both");
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--file " + file + " is not a file");
            }
            try (var in = Files.newInputStream(file)) {
                return utf8(in, "--file " + file);
            }
        }
        if (query != null && !query.equals("-")) {
            return query;
        }
        if (System.console() != null) {
            System.err.println("tally: reading the query from stdin (end it with Ctrl-D)");
        }
        return utf8(System.in, "stdin");
    }

    private static String utf8(InputStream in, String source) throws IOException {
        var bytes = in.readAllBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the query in " + source + " is not UTF-8 text");
        }
    }

    /** Every table a query can read, with its columns and types as Athena's catalog declares them. */
    static void listTables(ReportOutput out) {
        out.columns(List.of("table", "column", "type", "about"));
        var events = new ArrayList<List<Object>>();
        for (var table : List.of(LakeTable.EVENTS, LakeTable.COMPACTED)) {
            for (var column : LakeTable.EVENT_COLUMNS) {
                events.add(List.of(table, column.name(), column.type(), ""));
            }
            events.add(List.of(table, LakeTable.PARTITION.name(), LakeTable.PARTITION.type(), "partition: the event's UTC date, YYYY-MM-DD"));
        }
        events.forEach(out::row);
        for (var column : LakeTable.LEDGER_COLUMNS) {
            out.row(List.of(LakeTable.LEDGER_ACCOUNTS, column.name(), column.type(), "exported from the events table when a query reads it"));
        }
        out.finish();
    }
}
