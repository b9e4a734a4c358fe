package dev.tally.analytics;

import java.nio.file.Path;
import java.util.List;

/**
 * The lake's objects as {@link LakeCompaction} sees them, named by their keys in the lake bucket
 * ({@code events/event_date=2026-03-01/tally-lake-1-....parquet}): the bucket itself ({@link LakeBucket}), or a
 * folder laid out like it ({@link LakeFolder}: the bench's synthetic lake, tests). The job needs nothing else, so
 * the same code compacts both.
 */
public interface LakeObjects {

    /** The keys of the Parquet objects under {@code prefix}, in key order. */
    List<String> list(String prefix);

    /**
     * A local file holding the object's bytes, for DuckDB to read: the file itself in a folder, a download into
     * {@code workDir} from a bucket.
     */
    Path fetch(String key, Path workDir);

    /**
     * Puts {@code file}'s bytes at {@code key} in one step: a reader sees the old object or the new one, never
     * neither and never a part of one (an S3 PUT; an atomic rename in a folder).
     */
    void replace(String key, Path file);

    /** Removes the object; nothing happens if it is already gone, so a re-run after a crash may delete again. */
    void delete(String key);

    /** Where the objects are, for progress lines. */
    String describe();
}
