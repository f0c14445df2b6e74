package io.distill4j.pipeline.student.bag;

import java.util.List;
import java.util.Map;

import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.export.ArchitectureGraph;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.SpecKind;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentShape;

/**
 * The bag-of-embeddings architecture: {@link StudentSpec.BagOfEmbeddings} asks for it, auto-tuning tries an
 * embedding of 64 and one of 128, each with one hidden layer of 256, and {@link BagOfEmbeddingsGraph}
 * writes its ONNX graph.
 */
final class BagOfEmbeddingsArchitecture implements Architecture {

    static final BagOfEmbeddingsArchitecture INSTANCE = new BagOfEmbeddingsArchitecture();

    private BagOfEmbeddingsArchitecture() {
    }

    @Override
    public String id() {
        return BagOfEmbeddingsConfig.ARCHITECTURE;
    }

    @Override
    public List<SpecKind<?>> specKinds() {
        return List.of(SpecKind.of(StudentSpec.BagOfEmbeddings.class,
                (spec, maxSequenceLength, teacherEncoder) -> shape(spec.embeddingSize(), spec.hiddenSize())));
    }

    @Override
    public List<StudentShape> autoShapes(int maxSequenceLength) {
        return List.of(shape(64, 256), shape(128, 256));
    }

    @Override
    public ArchitectureGraph graph(StudentConfig config) {
        return new BagOfEmbeddingsGraph((BagOfEmbeddingsConfig) config);
    }

    private static StudentShape shape(int embeddingDim, int hidden) {
        return new StudentShape(BagOfEmbeddingsConfig.ARCHITECTURE + "/" + embeddingDim + "x" + hidden,
                Map.of("embeddingDim", Integer.toString(embeddingDim), "hiddenSizes", Integer.toString(hidden)),
                (vocab, out, output) -> BagOfEmbeddingsConfig.builder().vocabSize(vocab).embeddingDim(embeddingDim)
                        .hiddenSizes(hidden).outputSize(out).output(output).build());
    }
}
