package io.distill4j.spring.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.distill4j.api.distill.DistillationResult;
import io.distill4j.api.distill.DistillationSpec;
import io.distill4j.api.distill.Quoting;
import io.distill4j.pipeline.DistillerConfig;
import io.distill4j.pipeline.PipelineDistiller;
import io.distill4j.spring.grpc.DistillationMessages;
import io.distill4j.spring.testing.MiniLmRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spec file as a user writes it, end to end: a plain tab-separated export whose texts carry stray quotes
 * (a text that starts with a quoted name, an unbalanced quote), named in a YAML spec that says nothing
 * about quoting, distils without an edit to either file, and the report says the file was read literally.
 */
class SpecFileDistillationIT {

    private static final String[][] ROWS = {
        {"\"Acme Bank\" declined my card at the shop.", "card"}, {"The card machine rejected my card.", "card"},
        {"I lost my debit card, the \"blue one.", "card"}, {"Please send me a new card.", "card"},
        {"\"Acme Bank\" says a transfer takes days?", "transfer"}, {"My transfer has not arrived.", "transfer"},
        {"Can I cancel a bank transfer?", "transfer"}, {"I sent money to the \"wrong account.", "transfer"},
        {"\"Acme Bank\" has a bad exchange rate.", "exchange"}, {"Is there a fee to exchange euros?", "exchange"},
        {"I want to swap dollars for pounds.", "exchange"}, {"Which currencies can I exchange?", "exchange"},
    };

    @Test
    void aPlainTsvWithStrayQuotesDistilsFromAYamlSpec(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        MiniLmRepository.copy("/all-minilm-l6-v2.onnx", data.resolve("minilm.onnx"));
        MiniLmRepository.copy("/all-minilm-l6-v2-tokenizer.json", data.resolve("tokenizer.json"));
        StringBuilder tsv = new StringBuilder("text\tlabel\n");
        for (int repeat = 0; repeat < 3; repeat++) {
            for (String[] row : ROWS) {
                tsv.append(row[0]).append(repeat == 0 ? "" : " (" + repeat + ")").append('\t').append(row[1])
                    .append('\n');
            }
        }
        Path reviews = Files.writeString(data.resolve("reviews.tsv"), tsv);
        Path yaml = Files.writeString(dir.resolve("reviews.yaml"), """
                name: reviews
                teacher:
                  onnx_encoder:
                    model_path: minilm.onnx
                    tokenizer_path: tokenizer.json
                data:
                  format: TSV
                  train_path: reviews.tsv
                student:
                  bag_of_embeddings:
                    embedding_size: 16
                    hidden_size: 16
                budget:
                  max_seconds: 120
                  max_trials: 1
                """);

        DistillationSpec spec = new DistillationMessages(List.of(data)).toSpec(DistillationSpecFiles.read(yaml));
        assertThat(spec.data().quoting()).isEqualTo(Quoting.AUTO);
        DistillerConfig config = DistillerConfig.builder(dir.resolve("work")).threads(2).maxEpochs(2).build();
        try (PipelineDistiller distiller = new PipelineDistiller(config)) {
            DistillationResult result = distiller.distill(spec);

            assertThat(result.studentInt8().parameters()).isPositive();
            assertThat(Files.readString(result.files().reportJson())).contains("reviews.tsv was read literally");
        }
        assertThat(Files.readString(reviews)).as("the data file is not touched").isEqualTo(tsv.toString());
    }
}
