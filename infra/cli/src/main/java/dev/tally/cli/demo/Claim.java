package dev.tally.cli.demo;

import java.util.List;

/**
 * One statement about the running system and whether it held, with the evidence when it did not. The demo prints
 * claims as its checks and the integration tests assert that they hold, so each invariant is worded and computed
 * in one place ({@link PipelineInvariants}, {@link WithdrawalRace}).
 */
public record Claim(String statement, boolean held, String evidence) {

    public static Claim of(String statement, boolean held, String evidence) {
        return new Claim(statement, held, evidence);
    }

    /** The claims that did not hold; empty when all did. */
    public static List<Claim> failed(List<Claim> claims) {
        return claims.stream().filter(claim -> !claim.held()).toList();
    }

    @Override
    public String toString() {
        return (held ? "held: " : "FAILED: ") + statement + (held || evidence.isEmpty() ? "" : " (got " + evidence + ")");
    }
}
