package dev.tally.analytics;

/** A report query that the engine refused or that failed while running, with the engine's reason. */
public final class ReportFailedException extends RuntimeException {

    public ReportFailedException(String message) {
        super(message);
    }

    public ReportFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
