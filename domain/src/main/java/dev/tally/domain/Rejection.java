package dev.tally.domain;

/** A command the account refused, for a business reason. A value, not an exception. */
public record Rejection(Reason reason, String message) {

    public enum Reason {
        ACCOUNT_NOT_FOUND,
        ACCOUNT_ALREADY_EXISTS,
        INSUFFICIENT_FUNDS,
        BALANCE_LIMIT_EXCEEDED
    }
}
