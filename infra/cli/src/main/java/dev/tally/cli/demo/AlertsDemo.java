package dev.tally.cli.demo;

import dev.tally.cli.load.ApiClient;
import dev.tally.devstack.DevStack;
import example.alerts.AlertsSettings;
import example.alerts.WithdrawalDaysTable;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * Demo step 12: the example subscriber, written as another team would write it (a Lambda on {@code domain-events}
 * on the consumer kit), flags an account whose withdrawals in one UTC day exceed its threshold. Step 13 checks its
 * alerts against the same rule as SQL over the lake.
 */
final class AlertsDemo {

    private final DemoChecks checks;

    AlertsDemo(DemoChecks checks) {
        this.checks = checks;
    }

    void run(DevStack stack, ApiClient dave) {
        var settings = AlertsSettings.fromEnvironment(stack.exports());
        var threshold = BigDecimal.valueOf(settings.thresholdMinor(), 2).toPlainString();
        checks.step("[12/14] the example subscriber " + settings.subscription() + " (a Lambda on domain-events) flags "
                + "withdrawals over " + threshold + " in one UTC day");
        var account = checks.open(dave, "Dave");
        checks.expectStatus("credit Dave 2000.00", dave.post(DemoChecks.path(account, "credit"), "{\"amount\": \"2000.00\"}"), 200);
        for (var amount : List.of("300.00", "250.00")) {
            checks.expectStatus("withdraw " + amount + " from Dave",
                    dave.post(DemoChecks.path(account, "withdraw"), "{\"amount\": \"" + amount + "\"}"), 200);
        }
        var alerts = checks.waitFor("the alert for Dave", Duration.ofSeconds(60), Duration.ofMillis(250),
                () -> WithdrawalDaysTable.alerts(stack.dynamo(), settings.table()).stream()
                        .filter(alert -> alert.accountId().equals(account)).toList(),
                found -> !found.isEmpty(), found -> "no alert yet");
        checks.check("one alert for Dave's day, raised by the withdrawal that crossed " + threshold + " (version 4)",
                alerts.size() == 1 && alerts.getFirst().alertVersion() == 4
                        && alerts.getFirst().totalMinor().longValueExact() == 550_00, alerts.toString());
        alerts.forEach(alert -> System.out.printf("          -> alert: account %s on %s: %s withdrawn in %d withdrawals (raised at %s)%n",
                alert.accountId(), alert.day(), new BigDecimal(alert.totalMinor(), 2).toPlainString(), alert.withdrawals(),
                alert.alertedAt()));
        var others = WithdrawalDaysTable.alerts(stack.dynamo(), settings.table()).stream()
                .filter(alert -> !alert.accountId().equals(account)).toList();
        checks.check("no other account has withdrawn over " + threshold + " in a day, so no other alert", others.isEmpty(),
                others.toString());
    }
}
