package io.distill4j.pipeline.registry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import io.distill4j.api.ElementType;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.StringStringEntryProto;
import io.distill4j.engine.text.Pooling;
import io.distill4j.pipeline.teacher.ClassificationHead;
import io.distill4j.pipeline.teacher.TeacherGraphs;

/**
 * Tiny text models over the MiniLM tokenizer's vocabulary, written in code: a token-embedding table
 * ({@code input_ids}, {@code attention_mask} int64 {@code [batch, sequence]}) followed by a head.
 */
final class RegistryFixtures {

    static final int VOCABULARY = 30522;

    static final int HIDDEN = 4;

    private RegistryFixtures() {
    }

    /** The token table: {@code [batch, sequence, HIDDEN]} {@code last_hidden_state}. */
    static ModelProto encoder(long seed) {
        return OnnxModelBuilder.create("toy_encoder")
                .opset("", 13)
                .docString("toy encoder " + seed)
                .input("input_ids", ElementType.INT64, "batch", "sequence")
                .input("attention_mask", ElementType.INT64, "batch", "sequence")
                .initializer("table", random(VOCABULARY * HIDDEN, seed), VOCABULARY, HIDDEN)
                .node("Gather", List.of("table", "input_ids"), List.of("last_hidden_state"))
                .output("last_hidden_state", ElementType.FLOAT32, "batch", "sequence", HIDDEN)
                .build();
    }

    /** A student-shaped embedder: the table, then the mean over tokens, {@code [batch, HIDDEN]} {@code embedding}. */
    static ModelProto pooledEmbedder(long seed) {
        return OnnxModelBuilder.create("toy_embedder")
                .opset("", 13)
                .input("input_ids", ElementType.INT64, "batch", "sequence")
                .input("attention_mask", ElementType.INT64, "batch", "sequence")
                .initializer("table", random(VOCABULARY * HIDDEN, seed), VOCABULARY, HIDDEN)
                .node("Gather", List.of("table", "input_ids"), List.of("tokens"))
                .node("ReduceMean", List.of("tokens"), List.of("embedding"), n -> n.intsAttribute("axes", 1)
                        .intAttribute("keepdims", 0))
                .output("embedding", ElementType.FLOAT32, "batch", HIDDEN)
                .metadata("distill4j.job.id", "job-embed")
                .build();
    }

    /** A classifier with a {@code logits [batch, 3]} output and {@code distill4j.labels} metadata. */
    static ModelProto classifier(long seed, List<String> labels) {
        float[][] weights = new float[labels.size()][];
        for (int c = 0; c < labels.size(); c++) {
            weights[c] = random(HIDDEN, seed * 31 + c);
        }
        ClassificationHead head = new ClassificationHead(weights, new float[labels.size()], labels);
        ModelProto model = TeacherGraphs.encoderWithHead(encoder(seed), Pooling.MEAN, true, head);
        return model.toBuilder()
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("distill4j.job.id").setValue("job-" + seed))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("other.key").setValue("not provenance"))
                .build();
    }

    /** A raw model, {@code y = x + seed}, over {@code FLOAT32 [batch, 2]}; a few hundred bytes. */
    static ModelProto raw(long seed) {
        return OnnxModelBuilder.create("toy_raw")
                .opset("", 13)
                .input("x", ElementType.FLOAT32, "batch", 2)
                .initializer("offset", new float[] {seed, seed}, 2)
                .node("Add", List.of("x", "offset"), List.of("y"))
                .output("y", ElementType.FLOAT32, "batch", 2)
                .build();
    }

    static Path write(ModelProto model, Path file) throws IOException {
        OnnxModelWriter.write(model, file);
        return file;
    }

    static float[] random(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
