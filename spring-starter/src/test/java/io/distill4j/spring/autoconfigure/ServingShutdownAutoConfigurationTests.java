package io.distill4j.spring.autoconfigure;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.InferenceEngine;
import io.distill4j.api.grpc.inference.ServerReadyRequest;
import io.distill4j.api.grpc.inference.ServerReadyResponse;
import io.distill4j.spring.grpc.OpenInferenceService;
import io.distill4j.spring.lifecycle.ServingGate;
import io.distill4j.spring.lifecycle.ServingShutdown;
import io.distill4j.spring.rest.OpenInferenceRestController;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shutdown's wiring: one {@link ServingGate} behind both bindings' readiness, the {@link ServingShutdown}
 * listener, the properties checked at start.
 */
class ServingShutdownAutoConfigurationTests {

    private static final InferenceEngine ENGINE = (InferenceEngine) Proxy.newProxyInstance(
            InferenceEngine.class.getClassLoader(), new Class<?>[] { InferenceEngine.class }, (proxy, method, args) -> {
                if (method.getName().equals("close")) {
                    return null;
                }
                throw new UnsupportedOperationException(method.getName() + " is not used by these tests");
            });

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ServingShutdownAutoConfiguration.class, GrpcAutoConfiguration.class,
                OpenInferenceRestAutoConfiguration.class))
        .withBean(InferenceEngine.class, () -> ENGINE)
        .withPropertyValues("distill4j.serving.enabled=true");

    @Test
    void bothBindingsAnswerReadinessFromTheOneGate() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(ServingGate.class).hasSingleBean(ServingShutdown.class);
            OpenInferenceService grpc = context.getBean(OpenInferenceService.class);
            OpenInferenceRestController rest = context.getBean(OpenInferenceRestController.class);
            assertThat(serverReady(grpc)).isTrue();
            assertThat(rest.ready().getStatusCode().value()).isEqualTo(200);
            context.getBean(ServingGate.class).drain();
            assertThat(serverReady(grpc)).isFalse();
            assertThat(rest.ready().getStatusCode().value()).isEqualTo(503);
            assertThat(rest.ready().getBody().get("ready").asBoolean()).isFalse();
        });
    }

    @Test
    void closingTheContextRefusesThroughTheGate() {
        ServingGate[] gate = new ServingGate[1];
        this.runner.run(context -> gate[0] = context.getBean(ServingGate.class));
        assertThat(gate[0].refusing()).isTrue();
    }

    @Test
    void aNegativeDelayFailsTheStartNamingTheProperty() {
        this.runner.withPropertyValues("distill4j.shutdown.delay=-1s").run(context -> assertThat(context)
            .getFailure().rootCause().hasMessageContaining("distill4j.shutdown.delay must be zero or positive"));
    }

    @Test
    void aUsersGateIsTheOneUsed() {
        ServingGate own = new ServingGate();
        this.runner.withBean(ServingGate.class, () -> own).run(context -> {
            own.drain();
            assertThat(serverReady(context.getBean(OpenInferenceService.class))).isFalse();
        });
    }

    @Test
    void withoutAnEngineThereIsNothingToShutDown() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ServingShutdownAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(ServingGate.class)
                .doesNotHaveBean(ServingShutdown.class));
    }

    private static boolean serverReady(OpenInferenceService service) {
        List<ServerReadyResponse> answers = new ArrayList<>();
        service.serverReady(ServerReadyRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(ServerReadyResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable failure) {
                throw new AssertionError(failure);
            }

            @Override
            public void onCompleted() {
            }
        });
        return answers.get(0).getReady();
    }
}
