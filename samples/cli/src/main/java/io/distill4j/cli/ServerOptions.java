package io.distill4j.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.distill4j.api.grpc.distill.v1.DistillationServiceGrpc;
import io.distill4j.api.grpc.inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import picocli.CommandLine.Option;

import org.springframework.boot.convert.DurationStyle;

/**
 * The options of every command that calls a running server over gRPC: where it is, the bearer token, and how
 * long a call may take. Mixed into the commands with {@code @Mixin}.
 */
final class ServerOptions {

    /** The platform server's gRPC address when none is given. */
    static final String DEFAULT_TARGET = "localhost:9090";

    @Option(names = "--target", paramLabel = "host:port",
            description = "The server's gRPC address (default: " + DEFAULT_TARGET + ").")
    String target;

    @Option(names = "--token", paramLabel = "token", defaultValue = "${env:DISTILL4J_TOKEN}",
            description = "Bearer token: the server's admin token for admin calls (jobs, models, distill), its "
                    + "inference token for infer when it sets one (default: $DISTILL4J_TOKEN).")
    String token;

    @Option(names = "--deadline", paramLabel = "duration", converter = DurationConverter.class,
            description = "How long each call may take, e.g. 30s or 2m (default: no limit; watching a job "
                    + "always lasts as long as the job).")
    Duration deadline;

    /** The address to call: {@code --target} or the default. */
    String target() {
        return this.target != null ? this.target : DEFAULT_TARGET;
    }

    /** Whether {@code --target} was given. */
    boolean targetGiven() {
        return this.target != null;
    }

    Optional<String> token() {
        return Optional.ofNullable(this.token).filter(value -> !value.isBlank());
    }

    /** A connection to the server; the caller closes it. */
    Connection connect() {
        return new Connection(Channels.open(target()), token(), this.deadline);
    }

    /** A channel to the server and stubs that send the token; close shuts the channel down. */
    static final class Connection implements AutoCloseable {

        private final ManagedChannel channel;

        private final Optional<String> token;

        private final Duration deadline;

        Connection(ManagedChannel channel, Optional<String> token, Duration deadline) {
            this.channel = channel;
            this.token = token;
            this.deadline = deadline;
        }

        /** The Open Inference Protocol, each call under the deadline. */
        GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub inference() {
            return unary(authorized(GRPCInferenceServiceGrpc.newBlockingStub(this.channel)));
        }

        /** The distillation-job service, each call under the deadline. */
        DistillationServiceGrpc.DistillationServiceBlockingStub jobs() {
            return unary(authorized(DistillationServiceGrpc.newBlockingStub(this.channel)));
        }

        /** The distillation-job service without a deadline, for {@code Watch}. */
        DistillationServiceGrpc.DistillationServiceBlockingStub watcher() {
            return authorized(DistillationServiceGrpc.newBlockingStub(this.channel));
        }

        private <S extends AbstractStub<S>> S authorized(S stub) {
            return this.token.map(value -> stub.withInterceptors(Channels.bearer(value))).orElse(stub);
        }

        private <S extends AbstractStub<S>> S unary(S stub) {
            return this.deadline != null ? stub.withDeadlineAfter(this.deadline.toMillis(), TimeUnit.MILLISECONDS)
                    : stub;
        }

        @Override
        public void close() {
            Channels.close(this.channel);
        }
    }

    /** "30s", "2m", "500ms", "PT1M": Spring Boot's duration formats; positive only. */
    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {

        @Override
        public Duration convert(String value) {
            Duration duration;
            try {
                duration = DurationStyle.detectAndParse(value);
            }
            catch (IllegalArgumentException ex) {
                throw new picocli.CommandLine.TypeConversionException("'" + value
                        + "' is not a duration (examples: 500ms, 30s, 2m, PT1M)");
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new picocli.CommandLine.TypeConversionException("must be positive, got '" + value + "'");
            }
            return duration;
        }
    }
}
