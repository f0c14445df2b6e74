package io.distill4j.pipeline.student.transformer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import io.distill4j.api.distill.Pooling;
import io.distill4j.api.distill.StudentSpec;
import io.distill4j.pipeline.export.ArchitectureGraph;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.SpecKind;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentHead;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.student.StudentShape;
import io.distill4j.pipeline.student.TeacherEncoder;

/**
 * The Transformer architecture: {@link StudentSpec.Transformer} asks for a randomly initialised one,
 * {@link StudentSpec.TeacherLayers} for one that starts from some of the teacher encoder's own layers
 * ({@link BertEncoderWeights}); auto-tuning tries 2 layers of 128 with 4 heads; {@link TransformerGraph}
 * writes its ONNX graph.
 */
final class TransformerArchitecture implements Architecture {

    static final TransformerArchitecture INSTANCE = new TransformerArchitecture();

    private TransformerArchitecture() {
    }

    @Override
    public String id() {
        return TransformerConfig.ARCHITECTURE;
    }

    @Override
    public List<SpecKind<?>> specKinds() {
        return List.of(
                SpecKind.of(StudentSpec.Transformer.class, (spec, maxSequenceLength, teacherEncoder) -> shape(
                        spec.layers(), spec.hiddenSize(), spec.heads(), spec.intermediateSize(), maxSequenceLength)),
                SpecKind.of(StudentSpec.TeacherLayers.class, (spec, maxSequenceLength, teacherEncoder) -> {
                    TeacherEncoder encoder = teacherEncoder.orElseThrow(() -> new IllegalArgumentException(
                            "student.teacherLayers needs an ONNX encoder teacher of the BERT family "
                                    + "(all-MiniLM-L6-v2, for one); give TeacherSpec.onnxEncoder or choose another "
                                    + "student"));
                    return teacherLayers(encoder.file(), pooling(encoder.pooling()), spec.layers(),
                            spec.intermediateSize(), maxSequenceLength);
                }));
    }

    @Override
    public List<StudentShape> autoShapes(int maxSequenceLength) {
        return List.of(shape(2, 128, 4, 256, maxSequenceLength));
    }

    @Override
    public ArchitectureGraph graph(StudentConfig config) {
        return new TransformerGraph((TransformerConfig) config);
    }

    private static StudentShape shape(int layers, int hidden, int heads, int intermediate, int maxPositions) {
        return new StudentShape(TransformerConfig.ARCHITECTURE + "/" + layers + "x" + hidden,
                Map.of("layers", Integer.toString(layers), "hiddenSize", Integer.toString(hidden), "heads",
                        Integer.toString(heads), "intermediateSize", Integer.toString(intermediate)),
                (vocab, out, output) -> TransformerConfig.builder().vocabSize(vocab).maxPositions(maxPositions)
                        .hiddenSize(hidden).layers(layers).heads(heads).intermediateSize(intermediate).outputSize(out)
                        .output(output).build());
    }

    /** The student's pooling for the teacher's: a student cut from the teacher pools as the teacher does. */
    private static TransformerConfig.Pooling pooling(Pooling teacherPooling) {
        return switch (teacherPooling) {
            case MEAN -> TransformerConfig.Pooling.MEAN;
            case CLS -> TransformerConfig.Pooling.CLS;
        };
    }

    /**
     * The teacher's encoder cut to {@code layers} of its layers ({@link BertEncoderWeights#spreadLayers}),
     * its feed-forward blocks narrowed to {@code intermediateSize} if given, pooled as the teacher pools.
     * Only the shape is kept here; each trial reads the weights again, so they are not held in memory
     * between trials.
     *
     * @throws IllegalArgumentException if the teacher has fewer layers or narrower feed-forward blocks
     * @throws io.distill4j.api.exception.ModelLoadException if the encoder is not of the BERT family
     */
    private static StudentShape teacherLayers(Path encoder, TransformerConfig.Pooling pooling, int layers,
            OptionalInt intermediateSize, int maxSequenceLength) {
        BertEncoderWeights teacher = BertEncoderWeights.read(encoder);
        if (layers > teacher.layers()) {
            throw new IllegalArgumentException("student.layers must be at most the teacher's " + teacher.layers()
                    + " layers, was " + layers);
        }
        if (intermediateSize.orElse(0) > teacher.intermediateSize()) {
            throw new IllegalArgumentException("student.intermediateSize must be at most the teacher's "
                    + teacher.intermediateSize() + ", was " + intermediateSize.getAsInt());
        }
        int[] chosen = BertEncoderWeights.spreadLayers(layers, teacher.layers());
        int maxPositions = Math.min(maxSequenceLength, teacher.maxPositions());
        TransformerConfig template = teacher.studentConfig(layers, intermediateSize.orElse(teacher.intermediateSize()),
                1, maxPositions, 1, StudentOutput.EMBEDDING, pooling);
        String teacherLayers = Arrays.stream(chosen).mapToObj(Integer::toString).collect(Collectors.joining(","));
        String narrowed = intermediateSize.isPresent() ? "-ffn" + template.intermediateSize() : "";
        return new StudentShape(TransformerConfig.ARCHITECTURE + "/" + layers + "x" + template.hiddenSize() + narrowed
                + "-teacher-layers-" + teacherLayers.replace(",", "-"),
                Map.of("layers", Integer.toString(layers), "hiddenSize", Integer.toString(template.hiddenSize()), "heads",
                        Integer.toString(template.heads()), "intermediateSize",
                        Integer.toString(template.intermediateSize()), "teacherLayers", teacherLayers),
                (vocab, out, output) -> new TransformerConfig(new StudentHead(vocab, out, output, template.activation(),
                        template.dropout()), maxPositions, template.hiddenSize(), layers, template.heads(),
                        template.intermediateSize(), template.layerNormEpsilon(), template.pooling()),
                (model, keptIds) -> BertEncoderWeights.read(encoder).initialize(model, chosen, keptIds));
    }
}
