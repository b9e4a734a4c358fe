package dev.tally.standins.glue;

import java.util.List;

/**
 * A table of the Glue Data Catalog, as much of it as the Firehose and Athena stand-ins read: its data columns
 * (Glue type names: {@code string}, {@code bigint}, {@code int}, {@code double}, {@code boolean}, {@code timestamp},
 * {@code date}), its partition keys, and where its objects live. See
 * <a href="https://docs.aws.amazon.com/glue/latest/webapi/API_TableInput.html">TableInput</a>.
 *
 * @param location the table's {@code s3://bucket/prefix/} (its {@code StorageDescriptor.Location})
 */
public record GlueTable(String database, String name, String location, List<Column> columns, List<Column> partitionKeys) {

    /** A column and its Glue (Hive) type name. */
    public record Column(String name, String type) {
    }

    public GlueTable {
        columns = List.copyOf(columns);
        partitionKeys = List.copyOf(partitionKeys);
        if (!location.startsWith("s3://") || !location.endsWith("/")) {
            throw new IllegalArgumentException("Location must be s3://bucket/prefix/, was " + location);
        }
    }

    /** The bucket of {@link #location()}. */
    public String bucket() {
        var rest = location.substring("s3://".length());
        return rest.substring(0, rest.indexOf('/'));
    }

    /** The key prefix of {@link #location()}, ending in {@code /} (empty for a whole bucket). */
    public String prefix() {
        var rest = location.substring("s3://".length());
        return rest.substring(rest.indexOf('/') + 1);
    }
}
