package dev.tally.analytics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * A local copy of the lake bucket's tables for {@link DuckDbEngine}, which cannot read {@code s3://} here. Each
 * sync downloads objects that are new or changed (by ETag), removes local files whose object is gone, and leaves
 * the rest alone, so repeated reports only fetch what Firehose delivered since. Files are written to a temporary
 * name and moved into place, so a query never reads half a file.
 */
public final class LakeCache {

    private static final String MANIFEST = ".etags.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record SyncResult(int downloaded, int removed, int unchanged, long bytesDownloaded) {
    }

    private final S3Client s3;
    private final String bucket;
    private final Path folder;

    public LakeCache(S3Client s3, String bucket, Path folder) {
        this.s3 = s3;
        this.bucket = bucket;
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Brings the lake's tables ({@link LakeTable#EVENTS_PREFIX}, {@link LakeTable#COMPACTED_PREFIX},
     * {@link LakeTable#LEDGER_PREFIX}) up to date. Compacted objects are fetched before raw objects are removed, so a
     * cache synced while the compaction job runs holds a day twice at worst, which the reports allow for, and never
     * lacks it.
     */
    public SyncResult sync() {
        try {
            Files.createDirectories(folder);
            var known = readManifest();
            var current = new TreeMap<String, String>();
            int downloaded = 0;
            int unchanged = 0;
            long bytes = 0;
            for (var prefix : new String[] {LakeTable.COMPACTED_PREFIX, LakeTable.EVENTS_PREFIX, LakeTable.LEDGER_PREFIX}) {
                for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
                    if (!object.key().endsWith(LakeDelivery.FILE_EXTENSION)) {
                        continue;
                    }
                    current.put(object.key(), object.eTag());
                    var local = localPath(object.key());
                    if (object.eTag().equals(known.get(object.key())) && Files.exists(local)) {
                        unchanged++;
                        continue;
                    }
                    Files.createDirectories(local.getParent());
                    var partial = local.resolveSibling(local.getFileName() + ".partial");
                    Files.deleteIfExists(partial);
                    s3.getObject(b -> b.bucket(bucket).key(object.key()), partial);
                    Files.move(partial, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    downloaded++;
                    bytes += object.size();
                }
            }
            var gone = new HashSet<>(known.keySet());
            gone.removeAll(current.keySet());
            for (var key : gone) {
                Files.deleteIfExists(localPath(key));
            }
            writeManifest(current);
            return new SyncResult(downloaded, gone.size(), unchanged, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the lake into " + folder, e);
        }
    }

    private Path localPath(String key) {
        var path = folder.resolve(key).normalize();
        if (!path.startsWith(folder)) {
            throw new IllegalStateException("object key " + key + " points outside the cache folder");
        }
        return path;
    }

    private Map<String, String> readManifest() throws IOException {
        var file = folder.resolve(MANIFEST);
        return Files.exists(file) ? JSON.readValue(file.toFile(), new TypeReference<HashMap<String, String>>() { }) : Map.of();
    }

    private void writeManifest(Map<String, String> etags) throws IOException {
        var file = folder.resolve(MANIFEST);
        var partial = folder.resolve(MANIFEST + ".partial");
        JSON.writeValue(partial.toFile(), etags);
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
