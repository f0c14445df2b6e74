package io.distill4j.engine.metrics;

import java.util.ArrayList;
import java.util.List;

import io.distill4j.api.ModelId;
import io.distill4j.api.exception.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** Listeners are shielded from each other and from their callers. */
class InferenceListenerTests {

    private static final InferenceListener THROWING = new InferenceListener() {
        @Override
        public void onRequest(ModelId model, int items, long latencyNanos, boolean success) {
            throw new IllegalStateException("broken meter");
        }

        @Override
        public void onRejected(String modelName, ErrorCode reason) {
            throw new IllegalStateException("broken meter");
        }
    };

    @Test
    void aSafeListenerSwallowsWhatItsDelegateThrows() {
        InferenceListener safe = InferenceListener.safe(THROWING);
        assertThatNoException().isThrownBy(() -> safe.onRequest(ModelId.of("m", 1), 1, 10, true));
        assertThatNoException().isThrownBy(() -> safe.onRejected("m", ErrorCode.OVERLOADED));
        assertThat(InferenceListener.safe(safe)).as("not wrapped twice").isSameAs(safe);
        assertThat(InferenceListener.safe(InferenceListener.NONE)).isSameAs(InferenceListener.NONE);
    }

    @Test
    void aCompositeTellsEveryListenerEvenWhenAnEarlierOneThrows() {
        List<String> heard = new ArrayList<>();
        InferenceListener counting = new InferenceListener() {
            @Override
            public void onRequest(ModelId model, int items, long latencyNanos, boolean success) {
                heard.add("request " + model);
            }

            @Override
            public void onRejected(String modelName, ErrorCode reason) {
                heard.add("rejected " + modelName + " " + reason);
            }
        };
        InferenceListener both = InferenceListener.of(List.of(THROWING, counting));
        both.onRequest(ModelId.of("m", 1), 1, 10, true);
        both.onRejected("m", ErrorCode.TIMEOUT);
        assertThat(heard).containsExactly("request m/1", "rejected m TIMEOUT");
        assertThat(InferenceListener.of(List.of())).isSameAs(InferenceListener.NONE);
    }
}
