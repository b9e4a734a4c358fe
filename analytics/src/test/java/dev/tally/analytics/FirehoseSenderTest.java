package dev.tally.analytics;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FirehoseSenderTest {

    @Property(tries = 100)
    void calls_keep_every_record_in_order_within_the_api_limits(
            @ForAll @Size(max = 1500) List<@IntRange(min = 0, max = 40_000) Integer> sizes) {
        var records = new ArrayList<byte[]>();
        sizes.forEach(size -> records.add(new byte[size]));
        var calls = FirehoseSender.calls(records);
        assertThat(calls.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(records);
        for (var call : calls) {
            assertThat(call).isNotEmpty().hasSizeLessThanOrEqualTo(500);
            assertThat(call.stream().mapToLong(r -> r.length).sum()).as("PutRecordBatch: at most 4 MiB a call").isLessThanOrEqualTo(4L * 1024 * 1024);
        }
    }
}
