package dev.tally.domain;

/**
 * Which versions carry a snapshot of the state: every {@code every}-th one. Loading reads the newest
 * {@code every} items, which always include one snapshot once the history is that long, so the read cost stays
 * constant however long the history grows.
 */
public record SnapshotPolicy(int every) {

    public static final int DEFAULT_EVERY = 10;
    /** DynamoDB Query pages are at most 1 MB; a snapshot interval beyond this would need more than one page. */
    public static final int MAX_EVERY = 1000;

    public SnapshotPolicy {
        if (every < 1 || every > MAX_EVERY) {
            throw new IllegalArgumentException("snapshot interval must be between 1 and " + MAX_EVERY + ", was " + every);
        }
    }

    public static SnapshotPolicy defaults() {
        return new SnapshotPolicy(DEFAULT_EVERY);
    }

    public boolean isSnapshotVersion(long version) {
        return version > 0 && version % every == 0;
    }
}
