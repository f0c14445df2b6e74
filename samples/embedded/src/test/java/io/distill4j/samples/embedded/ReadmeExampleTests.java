package io.distill4j.samples.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The guide's {@code distiller.distill(...)} example (docs/guide.md) is this module's program, line for line. */
class ReadmeExampleTests {

    @Test
    void theGuideShowsTheCodeOfTheProgramsRunMethod() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("../../docs/guide.md"));
        int start = readme.indexOf("try (Distiller distiller = new PipelineDistiller(DistillerConfig.builder("
                + "directory.resolve(\"work\"))");
        assertThat(start).as("the example in docs/guide.md").isNotNegative();
        List<String> example = readme.subList(start, readme.subList(start, readme.size()).indexOf("```") + start);
        List<String> program = Files.readAllLines(
                Path.of("src/main/java/io/distill4j/samples/embedded/EmbeddedDistillation.java"));
        int first = program.stream().map(String::strip).toList().indexOf(example.get(0));
        assertThat(first).as("the example's first line in EmbeddedDistillation.java").isNotNegative();
        String indent = program.get(first).substring(0, program.get(first).indexOf('t'));
        List<String> code = program.subList(first, first + example.size()).stream()
            .filter(line -> !line.strip().equals("return result;")).map(line -> line.replaceFirst(indent, ""))
            .toList();
        assertThat(code.subList(0, example.size() - 1)).containsExactlyElementsOf(example.subList(0,
                example.size() - 1));
        assertThat(example.get(example.size() - 1)).isEqualTo("}");
        assertThat(example).hasSizeGreaterThanOrEqualTo(10);
    }
}
