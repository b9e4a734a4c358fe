package dev.tally.cli.bench;

import java.util.List;

/**
 * What {@link ColdStart} measured for one Lambda jar.
 *
 * @param handler         the handler class that answered
 * @param freshJvmMillis  each fresh JVM's wall time, from starting the process to the first answered request, in
 *                        run order
 * @param freshJvmMedian  the middle of {@code freshJvmMillis} (the lower middle one for an even count), ms
 * @param freshJvmMin     the fastest run, ms
 * @param freshJvmMax     the slowest run, ms
 * @param primedMillis    a new handler instance's first request after priming (what a restored SnapStart snapshot
 *                        answers first; the JVM's own start is not in it), ms
 * @param jarBytes        the jar's size
 */
public record ColdStartFigures(String handler, List<Long> freshJvmMillis, long freshJvmMedian, long freshJvmMin,
                               long freshJvmMax, long primedMillis, long jarBytes) {

    public ColdStartFigures {
        freshJvmMillis = List.copyOf(freshJvmMillis);
        if (freshJvmMillis.isEmpty()) {
            throw new IllegalArgumentException("at least one fresh JVM run is needed");
        }
    }

    static ColdStartFigures of(String handler, List<Long> freshJvmMillis, long primedMillis, long jarBytes) {
        var sorted = freshJvmMillis.stream().sorted().toList();
        return new ColdStartFigures(handler, freshJvmMillis, sorted.get((sorted.size() - 1) / 2), sorted.getFirst(),
                sorted.getLast(), primedMillis, jarBytes);
    }
}
