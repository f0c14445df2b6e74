package io.distill4j.pipeline.generation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.pipeline.generation.TextFilters.Candidate;

/**
 * The generated data set's file: one JSON object per line, {@code {"text": "...", "label": "..."}}, UTF-8, the
 * labels in their set's order and each label's texts in the order they were kept, written atomically
 * (temporary file, forced, moved over the target) so a reader never sees half a file.
 */
final class GeneratedRows {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private GeneratedRows() {
    }

    /** Writes the kept texts of {@code tallies} to {@code output}. */
    static void write(String jobId, Path output, List<LabelTally> tallies) {
        Path target = output.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.write(target, out -> {
                for (LabelTally tally : tallies) {
                    for (Candidate candidate : tally.kept) {
                        ObjectNode row = MAPPER.createObjectNode();
                        row.put("text", candidate.text());
                        row.put("label", tally.label);
                        out.write((MAPPER.writeValueAsString(row) + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
            });
        }
        catch (IOException ex) {
            throw new DistillationException(jobId, "generation: cannot write the generated data to " + target + ": "
                    + ex.getMessage(), ex);
        }
    }
}
