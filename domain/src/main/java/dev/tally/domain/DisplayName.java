package dev.tally.domain;

/**
 * The rule for an account's optional display name: 1 to 100 characters (code points), with no leading or trailing
 * whitespace and none of these: control characters (Cc), format characters (Cf: bidirectional overrides such as
 * U+202E, zero-width spaces), unpaired surrogates (Cs: not text, and not storable as UTF-8), and line or paragraph
 * separators (Zl, Zp). A name that breaks it is refused, never trimmed or cut, so that what is stored is exactly what
 * was asked for, and what is shown is what it looks like.
 */
public final class DisplayName {

    public static final int MAX_LENGTH = 100;

    private DisplayName() {
    }

    /**
     * @return {@code name}, if it follows the rule, or null for null
     * @throws IllegalArgumentException naming what is wrong with it
     */
    public static String require(String name) {
        if (name == null) {
            return null;
        }
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("displayName must be 1 to " + MAX_LENGTH + " characters, was " + length);
        }
        var refused = name.codePoints().filter(DisplayName::isRefused).findFirst();
        if (refused.isPresent()) {
            throw new IllegalArgumentException(String.format(
                    "displayName must not contain control, format, surrogate or separator characters, found U+%04X",
                    refused.getAsInt()));
        }
        if (!name.strip().equals(name)) {
            throw new IllegalArgumentException("displayName must not start or end with whitespace");
        }
        return name;
    }

    private static boolean isRefused(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        };
    }
}
