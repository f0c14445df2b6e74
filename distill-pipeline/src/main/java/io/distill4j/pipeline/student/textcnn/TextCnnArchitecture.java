package io.distill4j.pipeline.student.textcnn;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.export.ArchitectureGraph;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.SpecKind;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentShape;

/**
 * The TextCNN architecture: {@link StudentSpec.TextCnn} asks for it, auto-tuning tries an embedding of 128
 * with 128 filters of widths 2, 3 and 4, and {@link TextCnnGraph} writes its ONNX graph.
 */
final class TextCnnArchitecture implements Architecture {

    static final TextCnnArchitecture INSTANCE = new TextCnnArchitecture();

    private TextCnnArchitecture() {
    }

    @Override
    public String id() {
        return TextCnnConfig.ARCHITECTURE;
    }

    @Override
    public List<SpecKind<?>> specKinds() {
        return List.of(SpecKind.of(StudentSpec.TextCnn.class,
                (spec, maxSequenceLength, teacherEncoder) -> shape(spec.embeddingSize(), spec.filters(),
                        spec.kernelSizes())));
    }

    @Override
    public List<StudentShape> autoShapes(int maxSequenceLength) {
        return List.of(shape(128, 128, List.of(2, 3, 4)));
    }

    @Override
    public ArchitectureGraph graph(StudentConfig config) {
        return new TextCnnGraph((TextCnnConfig) config);
    }

    private static StudentShape shape(int embeddingDim, int filters, List<Integer> kernelSizes) {
        String kernels = kernelSizes.stream().map(String::valueOf).collect(Collectors.joining(","));
        return new StudentShape(TextCnnConfig.ARCHITECTURE + "/" + embeddingDim + "x" + filters + "k"
                + kernels.replace(",", ""),
                Map.of("embeddingDim", Integer.toString(embeddingDim), "filters", Integer.toString(filters),
                        "kernelSizes", kernels),
                (vocab, out, output) -> TextCnnConfig.builder().vocabSize(vocab).embeddingDim(embeddingDim)
                        .filters(filters).kernelSizes(kernelSizes).outputSize(out).output(output).build());
    }
}
