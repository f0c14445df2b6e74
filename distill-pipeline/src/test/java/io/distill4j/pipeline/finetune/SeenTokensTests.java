package io.distill4j.pipeline.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class SeenTokensTests {

    @Test
    void theIdsOfEverySplitAreKeptOnceInAscendingOrder() {
        SeenTokens seen = SeenTokens.of(new long[][] {{101, 7, 102}, {101, 9, 9, 102}}, new long[][] {{101, 3, 102}});

        assertThat(seen.keptIds()).containsExactly(3, 7, 9, 101, 102);
        assertThat(seen.size()).isEqualTo(5);
        assertThat(seen.narrow(new long[][] {{101, 9, 102}, {3}})).isDeepEqualTo(new long[][] {{3, 2, 4}, {0}});
    }

    @Test
    void anIdThatWasNotSeenHasNoRowInTheNarrowTable() {
        SeenTokens seen = SeenTokens.of(new long[][] {{1, 2}});

        assertThatIllegalArgumentException().isThrownBy(() -> seen.narrow(new long[][] {{1}, {2, 5}}))
                .withMessage("token id 5 of row 1 was not seen");
    }

    @Test
    void wideningWritesTheTrainedRowsOverTheIdsTheyStandForAndKeepsTheOthers() {
        SeenTokens seen = SeenTokens.of(new long[][] {{0, 2}});
        float[] full = {1, 1, 2, 2, 3, 3, 4, 4};
        float[] trained = {10, 11, 30, 31};

        assertThat(seen.widen(full, trained, 2)).containsExactly(10, 11, 2, 2, 30, 31, 4, 4);
        assertThat(full).as("the encoder's table is not changed").containsExactly(1, 1, 2, 2, 3, 3, 4, 4);
        assertThatIllegalArgumentException().isThrownBy(() -> seen.widen(full, new float[3], 2))
                .withMessage("the trained table has 3 floats, expected 2 rows of 2");
    }
}
