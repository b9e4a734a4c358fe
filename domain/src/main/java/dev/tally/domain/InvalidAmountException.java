package dev.tally.domain;

/** An amount the client sent that is not a valid command amount. It names the value as it was sent. */
public final class InvalidAmountException extends IllegalArgumentException {

    private final String value;

    public InvalidAmountException(String value, String rule) {
        super(rule + ", was " + value);
        this.value = value;
    }

    /** The offending input, exactly as received. */
    public String value() {
        return value;
    }
}
