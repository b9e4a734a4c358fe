package dev.tally.accountsapi;

import dev.tally.domain.SnapshotPolicy;
import dev.tally.eventstore.DynamoEventStore;
import dev.tally.eventstore.DynamoIdempotencyStore;
import dev.tally.eventstore.LocalDynamo;
import dev.tally.http.ApiHandler;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator.ReplaceUnderscores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Priming a SnapStart snapshot runs each route's real path on a real dynalite, and leaves every table as it was. */
@DisplayNameGeneration(ReplaceUnderscores.class)
class SnapStartPrimingTest {

    @RegisterExtension
    static final LocalDynamo DYNAMO = new LocalDynamo();

    private static final Map<AccountsApiRoute, Integer> REHEARSAL_STATUS = Map.of(
            AccountsApiRoute.CREATE_ACCOUNT, 400, // its body is refused; the write path runs against no table
            AccountsApiRoute.LIST_ACCOUNTS, 200,  // the priming principal owns nothing
            AccountsApiRoute.GET_ACCOUNT, 404,
            AccountsApiRoute.CREDIT, 404,
            AccountsApiRoute.WITHDRAW, 404,
            AccountsApiRoute.LIST_EVENTS, 404);

    @ParameterizedTest
    @EnumSource(AccountsApiRoute.class)
    void priming_a_route_answers_its_rehearsal_and_writes_nothing(AccountsApiRoute route) {
        var events = DYNAMO.newEventTable();
        var idempotency = DYNAMO.newIdempotencyTable();
        var service = new AccountService(new DynamoEventStore(DYNAMO.shared(), events, SnapshotPolicy.defaults()),
                new DynamoIdempotencyStore(DYNAMO.shared(), idempotency), Clock.systemUTC(), UUID::randomUUID,
                AccountService.CONFLICT_RETRIES);
        var handler = (ApiHandler) route.handler(service);

        int status = new SnapStartPriming(route, handler, DYNAMO.shared()).prime();

        assertThat(status).isEqualTo(REHEARSAL_STATUS.get(route));
        assertThat(DYNAMO.shared().scan(s -> s.tableName(events)).count()).isZero();
        assertThat(DYNAMO.shared().scan(s -> s.tableName(idempotency)).count()).isZero();
    }

    @Test
    void the_rehearsal_comes_from_a_principal_no_token_can_name() {
        assertThat(SnapStartPriming.PRINCIPAL.issuer()).endsWith(".invalid/");
        var request = SnapStartPriming.request(AccountsApiRoute.CREDIT);
        assertThat(request.getRequestContext().getAuthorizer().getJwt().getClaims())
                .containsEntry("iss", SnapStartPriming.PRINCIPAL.issuer());
        assertThat(request.getPathParameters()).containsEntry("id", SnapStartPriming.ACCOUNT.toString());
    }
}
