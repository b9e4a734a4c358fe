package dev.tally.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An analyst's saved queries: one SQL file each under {@code reports/saved/}, beside Tally's reports, so that the
 * build ships them, {@code ./tally report NAME} runs them and the CDK app installs them as Athena named queries, as it
 * does the reports. A saved query is checked portable before it is kept ({@link PortableSql}), because it will run on
 * Athena. In a checkout, {@code ./tally sql --save} writes into {@link #SOURCE_FOLDER}, to be committed like code.
 *
 * <p>The file's first line is a comment with its description; the second says when and how it was saved.
 */
public final class SavedQueries {

    /** Where they are on the classpath. */
    public static final String RESOURCE_FOLDER = "reports/saved";
    /** Where they are in a checkout, from its root. */
    public static final String SOURCE_FOLDER = "analytics/src/main/resources/" + RESOURCE_FOLDER;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final int MAX_NAME = 64;
    /** Athena's limit for a named query's description, less the header's "-- ". */
    private static final int MAX_DESCRIPTION = 1000;
    private static final String SUFFIX = ".sql";

    private SavedQueries() {
    }

    /** The saved queries in {@code folder}, by name; none when it does not exist. */
    public static List<Report> in(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        var saved = new ArrayList<Report>();
        try (var files = Files.list(folder)) {
            for (var file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                var fileName = file.getFileName().toString();
                var name = fileName.substring(0, fileName.length() - SUFFIX.length());
                var text = Files.readString(file, StandardCharsets.UTF_8);
                try {
                    checkName(name);
                    checkQuery(AdHocQuery.of(text));
                } catch (IllegalArgumentException e) {
                    // a file edited by hand or merged is held to what --save checks, before anything installs or runs it
                    throw new IllegalStateException("the saved query " + file + " cannot be used: " + e.getMessage());
                }
                saved.add(read(name, text));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the saved queries in " + folder, e);
        }
        return List.copyOf(saved); // by name: the files were listed in order
    }

    /** The saved queries shipped with this build: those beside the compiled {@link Report}, in its folder or jar. */
    public static List<Report> onClasspath() {
        try {
            var location = Path.of(Report.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                return in(location.resolve(RESOURCE_FOLDER));
            }
            try (var jar = FileSystems.newFileSystem(location, Map.of())) {
                return in(jar.getPath(RESOURCE_FOLDER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the saved queries shipped with this build", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the analytics classes", e);
        }
    }

    /**
     * Keeps {@code query} as {@code folder/NAME.sql}, written whole before it takes the name.
     *
     * @param replace whether an existing saved query of that name may be replaced
     * @throws IllegalArgumentException if the name is not a lower-case-with-hyphens name, is one of Tally's reports, is
     *                                  taken and {@code replace} is false, or the query is not portable
     */
    public static Report save(Path folder, String name, String description, AdHocQuery query, Instant savedAt, boolean replace) {
        checkCanSave(folder, name, description, replace);
        checkQuery(query);
        var text = "-- " + description.strip() + "\n-- Saved with ./tally sql --save on " + savedAt.truncatedTo(ChronoUnit.SECONDS)
                + "; portable: runs on Athena engine v3 and DuckDB.\n" + query.sql().strip() + "\n";
        var file = folder.resolve(name + SUFFIX);
        try {
            Files.createDirectories(folder);
            var partial = Files.createTempFile(folder, "." + name, ".partial");
            try {
                Files.writeString(partial, text, StandardCharsets.UTF_8);
                if (replace) {
                    Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.createLink(file, partial); // fails if the name is taken, even by a racing save
                }
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (FileAlreadyExistsException e) {
            throw taken(name, file); // by a save that raced this one
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the query as " + file, e);
        }
        return read(name, text);
    }

    /**
     * Checks, before a query runs, that it could be saved as {@code name} in {@code folder}; {@link #save} checks again.
     *
     * @throws IllegalArgumentException if the name or description is not allowed, or the name is taken and
     *                                  {@code replace} is false
     */
    public static void checkCanSave(Path folder, String name, String description, boolean replace) {
        checkName(name);
        checkDescription(description);
        var file = folder.resolve(name + SUFFIX);
        if (!replace && Files.exists(file)) {
            throw taken(name, file);
        }
    }

    private static IllegalArgumentException taken(String name, Path file) {
        return new IllegalArgumentException("a saved query named '" + name + "' exists (" + file + "); add --replace to replace it");
    }

    private static void checkDescription(String description) {
        if (description.isBlank() || description.contains("\n") || description.contains("\r")
                || description.strip().length() > MAX_DESCRIPTION) {
            throw new IllegalArgumentException("the description must be one non-empty line of at most " + MAX_DESCRIPTION
                    + " characters (an Athena named query's limit), was '" + description + "'");
        }
    }

    private static void checkQuery(AdHocQuery query) {
        if (!query.findings().isEmpty()) {
            throw new IllegalArgumentException("a saved query runs on Athena too, so it must be portable: " + query.findings());
        }
    }

    /** @throws IllegalArgumentException unless {@code name} can name a saved query */
    public static void checkName(String name) {
        if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a saved query's name is lower-case letters and digits in words joined by "
                    + "'-', starting with a letter, at most " + MAX_NAME + " characters (e.g. large-withdrawals); was '" + name + "'");
        }
        if (Report.named(name, Report.builtIn()).isPresent()) {
            throw new IllegalArgumentException("'" + name + "' is one of Tally's reports; choose another name");
        }
    }

    private static Report read(String name, String text) {
        var firstLine = text.lines().findFirst().orElse("");
        var description = firstLine.startsWith("--") ? firstLine.substring(2).strip() : "saved query";
        return new Report(name, description, text);
    }
}
