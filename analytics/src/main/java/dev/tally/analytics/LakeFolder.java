package dev.tally.analytics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/** A folder laid out like the lake bucket: what {@link DuckDbEngine} reads, and the bench's synthetic lake. */
public final class LakeFolder implements LakeObjects {

    private final Path root;

    public LakeFolder(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public List<String> list(String prefix) {
        var folder = root.resolve(prefix);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(LakeDelivery.FILE_EXTENSION))
                    .map(p -> root.relativize(p).toString().replace(java.io.File.separatorChar, '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    @Override
    public Path fetch(String key, Path workDir) {
        return path(key);
    }

    @Override
    public void replace(String key, Path file) {
        var target = path(key);
        // the temporary name does not end in .parquet, so no reader's glob picks it up half written
        var partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            Files.createDirectories(target.getParent());
            Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put " + key + " into " + root, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + key + " from " + root, e);
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private Path path(String key) {
        var path = root.resolve(key).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("object key " + key + " points outside " + root);
        }
        return path;
    }
}
