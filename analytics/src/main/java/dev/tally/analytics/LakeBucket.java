package dev.tally.analytics;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lake bucket in S3 (or s3rver locally). A PUT replaces an object atomically and S3 reads are strongly
 * consistent after a write (https://docs.aws.amazon.com/AmazonS3/latest/userguide/Welcome.html#ConsistencyModel),
 * which is what {@link LakeCompaction}'s switch relies on.
 */
public final class LakeBucket implements LakeObjects {

    private final S3Client s3;
    private final String bucket;

    public LakeBucket(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public List<String> list(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .filter(key -> key.endsWith(LakeDelivery.FILE_EXTENSION))
                .sorted()
                .toList();
    }

    @Override
    public Path fetch(String key, Path workDir) {
        // one flat file per key: the key's slashes and '=' are replaced, the name stays unique
        var local = workDir.resolve(key.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.deleteIfExists(local);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + local, e);
        }
        s3.getObject(b -> b.bucket(bucket).key(key), local);
        return local;
    }

    @Override
    public void replace(String key, Path file) {
        // a single PUT (up to 5 GB): a compacted day of Tally's volumes is megabytes
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(file));
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public String describe() {
        return "s3://" + bucket;
    }
}
