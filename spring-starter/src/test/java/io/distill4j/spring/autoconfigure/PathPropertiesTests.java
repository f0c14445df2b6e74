package io.distill4j.spring.autoconfigure;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** Folder properties mean folders on disk, relative to the working directory, never class path resources. */
class PathPropertiesTests {

    private static <T> T bind(String prefix, Class<T> type, Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
    }

    @Test
    void relativeFoldersAreRelativeToTheWorkingDirectoryEvenWhenTheClassPathHasOneOfThatName() {
        // "io" exists on the test class path (target/test-classes/io, target/classes/io): it must not win.
        DistillProperties distill = bind("distill4j.distill", DistillProperties.class, Map.of(
                "distill4j.distill.data-roots", ".,io", "distill4j.distill.work-directory", "io",
                "distill4j.distill.cache-directory", "io"));
        assertThat(distill.dataRootPaths()).containsExactly(Path.of("."), Path.of("io"));
        assertThat(distill.workDirectoryPath()).isEqualTo(Path.of("io"));
        assertThat(distill.cacheDirectoryPath()).contains(Path.of("io"));
        InferenceProperties inference = bind("distill4j.inference", InferenceProperties.class,
                Map.of("distill4j.inference.model-repository", "io"));
        assertThat(inference.modelRepositoryPath()).isEqualTo(Path.of("io"));
        DistillProperties defaults = new DistillProperties();
        assertThat(defaults.dataRootPaths()).as("the work directory when no roots are set")
            .containsExactly(Path.of("distill4j-work"));
        assertThat(defaults.cacheDirectoryPath()).isEmpty();
    }
}
