package io.distill4j.engine.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InstanceGroupTests {

    @Test
    void sharedInstancesKeepTheSessionsThreadsAndSeparateOnesSplitThem() {
        SessionConfig base = SessionConfig.builder().intraOpThreads(8).build();
        assertThat(new InstanceGroup(4, InstanceGroup.Sessions.SHARED).sessionConfig(base)).isSameAs(base);
        assertThat(new InstanceGroup(4, InstanceGroup.Sessions.PER_INSTANCE).sessionConfig(base).intraOpThreads())
            .isEqualTo(2);
        assertThat(new InstanceGroup(16, InstanceGroup.Sessions.PER_INSTANCE).sessionConfig(base).intraOpThreads())
            .as("at least one each").isEqualTo(1);
        assertThat(new InstanceGroup(3, InstanceGroup.Sessions.PER_INSTANCE).sessionCount()).isEqualTo(3);
        assertThat(new InstanceGroup(3, InstanceGroup.Sessions.SHARED).sessionCount()).isEqualTo(1);
    }

    @Test
    void autoResolvesToTheDefaultCount() {
        assertThat(InstanceGroup.ofDefaults().count()).isEqualTo(InstanceGroup.AUTO);
        assertThat(InstanceGroup.ofDefaults().resolvedCount()).isEqualTo(InstanceGroup.DEFAULT_COUNT);
    }

    @Test
    void refusesCountsOutOfRangeAndUnknownSharing() {
        assertThatIllegalArgumentException().isThrownBy(() -> new InstanceGroup(65, InstanceGroup.Sessions.SHARED))
            .withMessageStartingWith("instances must be between 1 and 64");
        assertThatIllegalArgumentException().isThrownBy(() -> InstanceGroup.Sessions.fromId("pooled"))
            .withMessageContaining("shared or per-instance");
        assertThat(InstanceGroup.Sessions.fromId("PER_INSTANCE")).isEqualTo(InstanceGroup.Sessions.PER_INSTANCE);
    }
}
