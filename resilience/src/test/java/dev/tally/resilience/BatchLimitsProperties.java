package dev.tally.resilience;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BatchLimitsProperties {

    @Property
    void slices_keep_every_item_in_order_and_stay_within_the_limits(
            @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 5_000) Integer> sizes,
            @ForAll @IntRange(min = 1, max = 50) int maxRecords, @ForAll @IntRange(min = 1, max = 20_000) int maxBytes) {
        var limits = new BatchLimits(maxRecords, maxBytes);
        var slices = limits.split(sizes, Integer::longValue);

        assertThat(slices.stream().flatMap(List::stream).toList()).isEqualTo(sizes);
        for (var slice : slices) {
            assertThat(slice).isNotEmpty().hasSizeLessThanOrEqualTo(maxRecords);
            long bytes = slice.stream().mapToLong(Integer::longValue).sum();
            assertThat(bytes <= maxBytes || slice.size() == 1).as("over the byte limit only as a lone item: " + slice).isTrue();
        }
        for (int i = 0; i + 1 < slices.size(); i++) {
            var slice = slices.get(i);
            long bytes = slice.stream().mapToLong(Integer::longValue).sum();
            // a slice is closed only when the next item would not fit
            assertThat(slice.size() == maxRecords || bytes + slices.get(i + 1).getFirst() > maxBytes).isTrue();
        }
    }
}
