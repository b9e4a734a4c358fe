package dev.tally.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * The stable name of each kind of {@link AccountEvent}: what the events table stores in its {@code Type} attribute,
 * what the published events carry in {@code type}, and what the lake's {@code type} column holds.
 *
 * <p><b>Renaming one is a data migration.</b> These strings are in every stored item, every published record and
 * every lake row; this enum is the only place Java code writes them. The report SQL files, which must run unchanged
 * on Athena, spell some of them out; {@code ReportSqlTest} checks that each one they name is one of these. A new kind of event gets a new constant here, and
 * every codec's exhaustive {@code switch} over it then fails to compile until it handles the new kind.
 */
public enum EventType {
    ACCOUNT_CREATED("AccountCreated"),
    BALANCE_CREDITED("BalanceCredited"),
    BALANCE_WITHDRAWN("BalanceWithdrawn");

    private final String typeName;

    EventType(String typeName) {
        this.typeName = typeName;
    }

    /** The name as stored and published. */
    public String typeName() {
        return typeName;
    }

    /** The kind with this stored name, or empty for a name this code does not know. */
    public static Optional<EventType> named(String typeName) {
        return Arrays.stream(values()).filter(t -> t.typeName.equals(typeName)).findFirst();
    }

    /** The kind of an event of the write model. */
    public static EventType of(AccountEvent event) {
        return switch (event) {
            case AccountEvent.AccountCreated created -> ACCOUNT_CREATED;
            case AccountEvent.BalanceCredited credited -> BALANCE_CREDITED;
            case AccountEvent.BalanceWithdrawn withdrawn -> BALANCE_WITHDRAWN;
        };
    }

    /** The names this code knows, for messages: {@code AccountCreated, BalanceCredited, BalanceWithdrawn}. */
    public static String known() {
        return String.join(", ", Arrays.stream(values()).map(EventType::typeName).toList());
    }

    @Override
    public String toString() {
        return typeName;
    }
}
