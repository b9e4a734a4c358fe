package dev.tally.standins.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The identity provider's key set: the current RSA signing key and, after a rotation, the previous one, private
 * parts included. Kept in {@value #FILE} in the given folder (readable by the owner only, written atomically), or in
 * memory when there is no folder. Two keys, so that tokens signed just before a rotation keep verifying while they
 * live: API Gateway caches a JWKS for up to two hours and advises rotating "with a grace period".
 */
final class SigningKeys {

    static final String FILE = "signing-keys.jwks.json";
    static final int KEY_SIZE = 2048;

    private final Optional<Path> folder;
    /** Current first, then the previous one if there was a rotation. Replaced whole, never changed. */
    private volatile List<RSAKey> keys;

    private SigningKeys(Optional<Path> folder, List<RSAKey> keys) {
        this.folder = folder;
        this.keys = keys;
    }

    static SigningKeys inMemory() {
        return new SigningKeys(Optional.empty(), List.of(generate()));
    }

    /** Loads the key set kept in the folder, or makes one and keeps it there at the first start. */
    static SigningKeys keptIn(Path folder) {
        var file = folder.resolve(FILE);
        try {
            if (Files.exists(file)) {
                var loaded = new SigningKeys(Optional.of(folder), load(file));
                ownerOnly(file, "rw-------");
                return loaded;
            }
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder, permissions("rwx------", folder));
            }
            var created = new SigningKeys(Optional.of(folder), List.of(generate()));
            created.save();
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the identity provider's signing keys in " + folder, e);
        }
    }

    RSAKey current() {
        return keys.getFirst();
    }

    /** The public halves only: what the JWKS endpoint serves. */
    JWKSet publicKeys() {
        return new JWKSet(new ArrayList<JWK>(keys)).toPublicJWKSet();
    }

    /** A new current key; the old current key stays as the previous one, and the old previous one is dropped. */
    synchronized void rotate() {
        keys = List.of(generate(), current());
        save();
    }

    private void save() {
        if (folder.isEmpty()) {
            return;
        }
        var file = folder.get().resolve(FILE);
        var json = new JWKSet(new ArrayList<JWK>(keys)).toString(false);
        try {
            var temporary = Files.createTempFile(folder.get(), ".signing-keys", ".tmp", permissions("rw-------", folder.get()));
            Files.writeString(temporary, json, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the identity provider's signing keys to " + file, e);
        }
    }

    private static List<RSAKey> load(Path file) throws IOException {
        JWKSet set;
        try {
            set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (ParseException e) {
            throw new IllegalStateException(file + " is not a JWK set: " + e.getMessage(), e);
        }
        var loaded = new ArrayList<RSAKey>();
        for (var key : set.getKeys()) {
            if (!(key instanceof RSAKey rsa) || !rsa.isPrivate() || rsa.getKeyID() == null) {
                throw new IllegalStateException(file + " holds key " + key.getKeyID() + " of type " + key.getKeyType()
                        + ", but only private RSA keys with a kid sign tokens");
            }
            loaded.add(rsa);
        }
        if (loaded.isEmpty() || loaded.size() > 2) {
            throw new IllegalStateException(file + " holds " + loaded.size() + " keys; expected the current key and at most one previous key");
        }
        return List.copyOf(loaded);
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(KEY_SIZE)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA " + KEY_SIZE + " signing key", e);
        }
    }

    private static FileAttribute<?>[] permissions(String posix, Path where) {
        return supportsPosix(where)
                ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(posix))}
                : new FileAttribute<?>[0];
    }

    private static void ownerOnly(Path file, String posix) throws IOException {
        if (supportsPosix(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(posix));
        }
    }

    private static boolean supportsPosix(Path where) {
        return where.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
