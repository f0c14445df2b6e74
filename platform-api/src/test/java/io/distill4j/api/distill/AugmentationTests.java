package io.distill4j.api.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class AugmentationTests {

    @Test
    void autoHasThePapersPerturbationsAndNoCountOfCopies() {
        Augmentation auto = Augmentation.auto();
        Augmentation paper = Augmentation.ofDefaults();
        assertThat(auto.isAutomatic()).isTrue();
        assertThat(auto.isEnabled()).isTrue();
        assertThat(auto.copiesPerExample()).isEqualTo(Augmentation.AUTO).isNegative();
        assertThat(auto.tokenMasking()).isEqualTo(paper.tokenMasking());
        assertThat(auto.wordReplacement()).isEqualTo(paper.wordReplacement());
        assertThat(auto.ngramSampling()).isEqualTo(paper.ngramSampling());
        assertThat(auto.maxNgram()).isEqualTo(paper.maxNgram());
    }

    @Test
    void autoEqualsAutoAndDiffersFromEveryFixedCount() {
        assertThat(Augmentation.auto()).isEqualTo(Augmentation.auto()).hasSameHashCodeAs(Augmentation.auto());
        assertThat(Augmentation.auto()).isEqualTo(Augmentation.ofDefaults().copiesPerExample(Augmentation.AUTO));
        assertThat(Augmentation.auto()).isNotEqualTo(Augmentation.ofDefaults()).isNotEqualTo(Augmentation.none());
        assertThat(Augmentation.auto().tokenMasking(0.2)).isNotEqualTo(Augmentation.auto());
        assertThat(Augmentation.auto().tokenMasking(0.2).isAutomatic()).isTrue();
    }

    @Test
    void aFixedCountIsNotAutomaticAndZeroIsOff() {
        assertThat(Augmentation.auto().copiesPerExample(6)).satisfies(fixed -> {
            assertThat(fixed.isAutomatic()).isFalse();
            assertThat(fixed.copiesPerExample()).isEqualTo(6);
        });
        assertThat(Augmentation.none().isAutomatic()).isFalse();
        assertThat(Augmentation.none().isEnabled()).isFalse();
        assertThat(Augmentation.auto().copiesPerExample(0).isEnabled()).isFalse();
    }

    @Test
    void invalidSettingsAreRefusedNamingTheFieldAndLimit() {
        assertThatIllegalArgumentException().isThrownBy(() -> Augmentation.auto().copiesPerExample(-2))
                .withMessageContaining("augmentation.copiesPerExample").withMessageContaining("[0, 100]")
                .withMessageContaining("AUTO");
        assertThatIllegalArgumentException().isThrownBy(() -> Augmentation.ofDefaults().copiesPerExample(101))
                .withMessageContaining("augmentation.copiesPerExample");
        assertThatIllegalArgumentException().isThrownBy(() -> Augmentation.auto().tokenMasking(1.5))
                .withMessageContaining("augmentation.tokenMasking");
        assertThatIllegalArgumentException().isThrownBy(() -> Augmentation.auto().ngramSampling(0.2, 17))
                .withMessageContaining("augmentation.maxNgram");
        assertThatIllegalArgumentException().isThrownBy(() -> Augmentation.auto().wordReplacement(-0.1))
                .withMessageContaining("augmentation.wordReplacement");
    }
}
