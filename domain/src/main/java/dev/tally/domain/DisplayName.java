package dev.tally.domain;

/**
 * The rule for an account's optional display name: 1 to 100 characters (code points), none of them a control
 * character, with no leading or trailing whitespace. A name that breaks it is refused, never trimmed or cut, so that
 * what is stored is exactly what was asked for.
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
        var control = name.codePoints().filter(Character::isISOControl).findFirst();
        if (control.isPresent()) {
            throw new IllegalArgumentException(String.format(
                    "displayName must not contain control characters, found U+%04X", control.getAsInt()));
        }
        if (!name.strip().equals(name)) {
            throw new IllegalArgumentException("displayName must not start or end with whitespace");
        }
        return name;
    }
}
