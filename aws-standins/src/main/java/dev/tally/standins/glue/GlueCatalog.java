package dev.tally.standins.glue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Glue Data Catalog in miniature: the tables whose schemas Firehose's format conversion uses and whose
 * objects Athena queries. Filled by whoever wires the stand-ins up, as the CloudFormation template fills Glue.
 */
public final class GlueCatalog {

    private final Map<String, GlueTable> tables = new ConcurrentHashMap<>();

    /** Creates or replaces a table, like {@code CreateTable} followed by {@code UpdateTable}. */
    public void put(GlueTable table) {
        tables.put(key(table.database(), table.name()), table);
    }

    public Optional<GlueTable> table(String database, String name) {
        return Optional.ofNullable(tables.get(key(database, name)));
    }

    /** The tables of one database, in no particular order. */
    public List<GlueTable> tables(String database) {
        return tables.values().stream().filter(t -> t.database().equals(database)).toList();
    }

    private static String key(String database, String name) {
        return database + "." + name;
    }
}
