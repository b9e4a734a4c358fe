package dev.tally.standins.athena;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A result's column names as Athena (Trino) gives them, where DuckDB names them otherwise: an expression without an
 * alias is {@code _colN} (N its 0-based position) in Trino, and named after the expression in DuckDB
 * ({@code count(*)} is {@code count_star()}). Aliases, plain column references and {@code *} name columns alike in
 * both. The query's shape comes from DuckDB's own parser ({@code json_serialize_sql}); where that cannot tell (a parse
 * it does not serialise, two {@code *}), DuckDB's names are kept.
 */
final class TrinoColumnNames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrinoColumnNames() {
    }

    /** {@code duckDbNames}, with each unaliased expression of the outermost select list renamed {@code _colN}. */
    static List<String> of(Connection connection, String sql, List<String> duckDbNames) throws SQLException {
        JsonNode parsed;
        try (var statement = connection.prepareStatement("SELECT json_serialize_sql(?)")) {
            statement.setString(1, sql);
            try (var result = statement.executeQuery()) {
                result.next();
                parsed = JSON.readTree(result.getString(1));
            }
        } catch (IOException e) {
            return duckDbNames;
        }
        var statements = parsed.path("statements");
        if (parsed.path("error").asBoolean(true) || statements.size() != 1) {
            return duckDbNames;
        }
        var node = statements.get(0).path("node");
        while (node.path("type").asText().equals("SET_OPERATION_NODE")) { // a union is named by its first branch
            node = node.path("children").path(0);
        }
        if (!node.path("type").asText().equals("SELECT_NODE")) {
            return duckDbNames;
        }
        var items = new ArrayList<JsonNode>();
        node.path("select_list").forEach(items::add);
        var stars = items.stream().filter(i -> i.path("class").asText().equals("STAR")).count();
        int starWidth = duckDbNames.size() - (items.size() - (int) stars);
        if (stars > 1 || stars == 0 && starWidth != 0 || stars == 1 && starWidth < 0) {
            return duckDbNames;
        }
        var names = new ArrayList<>(duckDbNames);
        int position = 0;
        for (var item : items) {
            if (item.path("class").asText().equals("STAR")) {
                position += starWidth; // the table's own column names, in both engines
                continue;
            }
            if (item.path("alias").asText("").isEmpty() && !item.path("class").asText().equals("COLUMN_REF")) {
                names.set(position, "_col" + position);
            }
            position++;
        }
        return names;
    }
}
