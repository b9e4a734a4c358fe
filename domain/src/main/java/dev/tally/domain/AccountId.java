package dev.tally.domain;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/** The identity of an account: a UUID chosen by the server when the account is created. */
public record AccountId(UUID value) {

    // UUID.fromString accepts odd forms such as "1-2-3-4-5"; ids are only ever the canonical 36 characters.
    private static final Pattern CANONICAL =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public AccountId {
        Objects.requireNonNull(value, "value");
    }

    /**
     * @throws IllegalArgumentException naming the text when it is not a canonical UUID; the caller should answer 400
     */
    public static AccountId parse(String text) {
        if (text == null || !CANONICAL.matcher(text).matches()) {
            throw new IllegalArgumentException("account id must be a UUID, was " + text);
        }
        return new AccountId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
