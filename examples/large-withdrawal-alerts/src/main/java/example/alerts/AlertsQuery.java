package example.alerts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The rule as SQL over Tally's lake ({@code lake_events}): what the alerts must equal. */
public final class AlertsQuery {

    public static final String RESOURCE = "example/alerts/large-withdrawals.sql";

    private AlertsQuery() {
    }

    /** The query for {@code thresholdMinor}; it answers account_id, event_date, withdrawn, withdrawals. */
    public static String sql(long thresholdMinor) {
        try (var in = AlertsQuery.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${THRESHOLD_MINOR}", Long.toString(thresholdMinor));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
