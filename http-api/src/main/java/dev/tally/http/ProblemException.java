package dev.tally.http;

/** Thrown while reading a request: the handler answers with its {@link Problem}, never a 5xx. */
public final class ProblemException extends RuntimeException {

    private final Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
