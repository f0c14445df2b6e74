package io.distill4j.pipeline.vocab;

import io.distill4j.api.exception.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VocabularyPruningTests {

    @Test
    void keepsTheSeenAndSpecialIdsInAscendingOrderAndMapsTheRestToUnknown() {
        long[][] texts = { { 101, 2054, 2003, 102, 0, 0 }, { 101, 7592, 2054, 102 } };
        VocabularyPruning pruning = VocabularyPruning.fitBert(texts, 30522);

        assertThat(pruning.keptIds()).containsExactly(0, 100, 101, 102, 2003, 2054, 7592);
        assertThat(pruning.prunedVocabSize()).isEqualTo(7);
        assertThat(pruning.tokenizerVocabSize()).isEqualTo(30522);
        assertThat(pruning.seenCount()).isEqualTo(6); // 0, 101, 102, 2003, 2054, 7592; [UNK] was not seen
        assertThat(pruning.unknownId()).isEqualTo(100);
        assertThat(pruning.unknownRow()).isEqualTo(1);
        long[] remap = pruning.remap();
        assertThat(remap).hasSize(30522);
        for (int row = 0; row < pruning.prunedVocabSize(); row++) {
            assertThat(remap[(int) pruning.keptIds()[row]]).isEqualTo(row);
        }
        assertThat(remap[1]).isEqualTo(1);
        assertThat(remap[2004]).isEqualTo(1);
        assertThat(remap[30521]).isEqualTo(1);
        assertThat(pruning.row(2054)).isEqualTo(5);
        assertThat(pruning.row(9999)).isEqualTo(pruning.unknownRow());
        assertThat(pruning.savedShare()).isCloseTo(1 - 7 / 30522.0, within(1e-12));
    }

    @Test
    void applyRewritesEveryIdToItsRowKeepingTheShape() {
        VocabularyPruning pruning = VocabularyPruning.fit(new long[][] { { 5, 7 }, { 9 } }, 12, 1, 0);
        // kept: 0, 1 (unknown), 5, 7, 9 -> rows 0..4
        long[][] rows = pruning.apply(new long[][] { { 9, 5, 0 }, {}, { 7, 3, 11, 1 } });
        assertThat(rows).hasNumberOfRows(3);
        assertThat(rows[0]).containsExactly(4, 2, 0);
        assertThat(rows[1]).isEmpty();
        assertThat(rows[2]).containsExactly(3, 1, 1, 1);
    }

    @Test
    void theResultDependsOnlyOnTheSetOfIdsSeen() {
        VocabularyPruning a = VocabularyPruning.fit(new long[][] { { 3, 8, 3 }, { 6 } }, 10, 1);
        VocabularyPruning b = VocabularyPruning.fit(new long[][] { { 6, 6 }, {}, { 8, 3 } }, 10, 1);
        assertThat(a.remap()).containsExactly(b.remap());
        assertThat(a.keptIds()).containsExactly(1, 3, 6, 8);
    }

    @Test
    void returnedArraysAreCopies() {
        VocabularyPruning pruning = VocabularyPruning.fit(new long[][] { { 2 } }, 5, 1);
        pruning.remap()[2] = 99;
        pruning.keptIds()[0] = 99;
        assertThat(pruning.remap()[2]).isEqualTo(1);
        assertThat(pruning.keptIds()[0]).isEqualTo(1);
    }

    @Test
    void summarySaysHowManyRowsAreKeptAndWhatIsSaved() {
        long[][] texts = new long[1][1230];
        for (int i = 0; i < texts[0].length; i++) {
            texts[0][i] = 1000 + i;
        }
        VocabularyPruning pruning = VocabularyPruning.fitBert(texts, 30522);
        assertThat(pruning.summary()).isEqualTo("kept 1,234 of 30,522 token ids (1,230 seen in the data), 96.0 % of the "
                + "embedding table saved; other ids map to the row of id 100");
        assertThat(pruning.toString()).contains(pruning.summary());
    }

    @Test
    void idsOutsideTheVocabularyAreRejectedWithFieldIndexAndLimit() {
        assertThatThrownBy(() -> VocabularyPruning.fitBert(new long[][] { { 1, 2 }, { 3, 30522 } }, 30522))
            .isInstanceOfSatisfying(InvalidInputException.class,
                    ex -> assertThat(ex.field()).isEqualTo("tokenIds[1][1]"))
            .hasMessageContaining("0..30521").hasMessageContaining("was 30522");
        assertThatThrownBy(() -> VocabularyPruning.fit(new long[][] { { -1 } }, 10, 1))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("tokenIds[0][0]"))
            .hasMessageContaining("was -1");
        assertThatThrownBy(() -> VocabularyPruning.fit(new long[][] { { 1 }, null }, 10, 1))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("tokenIds[1]"));
        assertThatThrownBy(() -> VocabularyPruning.fit(null, 10, 1))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("tokenIds"));

        VocabularyPruning pruning = VocabularyPruning.fit(new long[][] { { 2 } }, 10, 1);
        assertThatThrownBy(() -> pruning.apply(new long[][] { { 2 }, { 4, 10 } }))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("ids[1][1]"))
            .hasMessage("ids[1][1]: token id must be in 0..9 (tokenizer vocabulary size 10), was 10");
        assertThatThrownBy(() -> pruning.row(-3))
            .isInstanceOfSatisfying(InvalidInputException.class, ex -> assertThat(ex.field()).isEqualTo("tokenId"));
    }

    @Test
    void theSettingsAreCheckedByName() {
        assertThatIllegalArgumentException().isThrownBy(() -> VocabularyPruning.fit(new long[0][], 0, 0))
            .withMessage("tokenizerVocabSize must be between 1 and 4000000, was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> VocabularyPruning.fit(new long[0][], 10, 10))
            .withMessage("unknownId must be a token id, 0..9, was 10");
        assertThatIllegalArgumentException().isThrownBy(() -> VocabularyPruning.fit(new long[0][], 10, 1, 0, -2))
            .withMessage("alwaysKept[1] must be a token id, 0..9, was -2");
        assertThatIllegalArgumentException().isThrownBy(() -> VocabularyPruning.fitBert(new long[0][], 100))
            .withMessage("unknownId must be a token id, 0..99, was 100");
    }

    @Test
    void withoutTrainingTextsOnlyTheSpecialIdsStay() {
        VocabularyPruning pruning = VocabularyPruning.fitBert(new long[0][], 30522);
        assertThat(pruning.keptIds()).containsExactly(0, 100, 101, 102);
        assertThat(pruning.seenCount()).isZero();
    }
}
