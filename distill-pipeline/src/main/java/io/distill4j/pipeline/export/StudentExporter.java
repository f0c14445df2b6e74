package io.distill4j.pipeline.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import ai.djl.engine.Engine;
import io.distill4j.api.ElementType;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.engine.onnx.OnnxModelWriter;
import io.distill4j.engine.onnx.graph.OnnxModelBuilder;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.pipeline.student.Architecture;
import io.distill4j.pipeline.student.StudentBlock;
import io.distill4j.pipeline.student.StudentConfig;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.teacher.TeacherGraphs;
import io.distill4j.pipeline.train.PyTorchRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Exports a trained student to ONNX, written with the engine's IR builder from the parameters of the
 * DJL block (DJL has no ONNX export), so that the engine can serve it and the INT8 quantizer can shrink it.
 *
 * <pre>{@code
 * try (StudentModel student = ...trained...) {
 *     ModelProto onnx = StudentExporter.write(student,
 *             ExportOptions.builder().jobId("job-42").labels(List.of("negative", "positive")).build(),
 *             Path.of("models/sentiment/1/model.onnx"));
 * }
 * }</pre>
 *
 * <p><b>The graph.</b> Inputs {@code input_ids} and {@code attention_mask}, int64
 * {@code [batch, sequence]} with both dimensions dynamic and named; one output named after the student's
 * {@link StudentOutput} ({@code logits} or {@code embedding}), float {@code [batch, outputSize]}; the
 * architecture's forward pass in inference mode, node for node (see each architecture's graph class, for
 * example {@code BagOfEmbeddingsGraph}). Token ids outside {@code 0 .. vocabSize - 1} are an error in ONNX
 * Runtime, as they are in DJL. Weight layouts are those the {@code Int8Quantizer} rewrites: embedding tables
 * as constant tables of {@code Gather} on axis 0, dense layers on {@code [batch, in]} as {@code Gemm} with a
 * constant {@code [out, in]} weight and {@code transB = 1}, dense layers on {@code [batch, sequence, in]}
 * as {@code MatMul} with a constant {@code [in, out]} weight followed by {@code Add} of the bias (see
 * {@link StudentGraph}); convolutions ({@code Conv}) stay float. With
 * {@link ExportOptions#vocabularyRemap()} (a pruned vocabulary) the graph first maps the tokenizer's ids to
 * rows with {@code Gather(token_id_remap, input_ids)}, so it still takes the tokenizer's ids; ids outside the
 * remap table are then the error. Operator set {@link ExportOptions#opset()} (17 by default,
 * see {@link ExportOptions#DEFAULT_OPSET} for why), IR version {@value OnnxModelBuilder#DEFAULT_IR_VERSION}
 * (the builder's default).
 *
 * <p><b>Provenance</b> in {@code metadata_props}: {@value #ARCHITECTURE_METADATA} (for example
 * {@code bag-of-embeddings}), {@value #CONFIG_METADATA} (the configuration as JSON),
 * {@value #PARAMETERS_METADATA} (the number of trainable scalars), {@value #FRAMEWORK_METADATA} (the DJL and
 * PyTorch versions that trained it), {@value #VOCABULARY_METADATA} for a pruned vocabulary, and from the
 * options {@value #TEACHER_HASH_METADATA},
 * {@value #JOB_ID_METADATA}, {@value #LABELS_METADATA} (a JSON array, the key teacher graphs use) and any
 * further entries.
 *
 * <p>Architectures: every one registered as an {@link Architecture} (bag of embeddings, TextCNN,
 * Transformer), each with its graph writer in its own package; the Transformer's needs opset 13 or later
 * ({@code LayerNormalization} from 17, its explicit form before).
 * Stateless and thread-safe, but the student must not be
 * trained while it is exported (a {@link StudentModel} is used from one thread at a time). The student
 * model stays the caller's to close; the export only reads its parameters and holds no native memory.
 */
public final class StudentExporter {

    /** Metadata key of the student's architecture id ({@link StudentConfig#architecture()}). */
    public static final String ARCHITECTURE_METADATA = "distill4j.student.architecture";

    /** Metadata key of the student's configuration, as a JSON object. */
    public static final String CONFIG_METADATA = "distill4j.student.config";

    /** Metadata key of the student's number of trainable scalars. */
    public static final String PARAMETERS_METADATA = "distill4j.student.parameters";

    /** Metadata key of the frameworks that trained the student, for example {@code DJL 0.35.1, PyTorch 2.7.1}. */
    public static final String FRAMEWORK_METADATA = "distill4j.student.framework";

    /**
     * Metadata key of the student's vocabulary, written only for a pruned one
     * ({@link ExportOptions#vocabularyRemap()}): {@code pruned <rows> of <tokenizer ids>}, for example
     * {@code pruned 1234 of 30522}.
     */
    public static final String VOCABULARY_METADATA = "distill4j.student.vocabulary";

    /** Metadata key of {@link ExportOptions#teacherHash()}. */
    public static final String TEACHER_HASH_METADATA = "distill4j.teacher.hash";

    /** Metadata key of {@link ExportOptions#jobId()}. */
    public static final String JOB_ID_METADATA = "distill4j.job.id";

    /** Metadata key of {@link ExportOptions#labels()}, a JSON array in logit order; the same key as teacher graphs'. */
    public static final String LABELS_METADATA = TeacherGraphs.LABELS_METADATA;

    /** The keys the options' own setters write, which {@link ExportOptions.Builder#metadata} refuses. */
    static final Set<String> OPTION_KEYS = Set.of(TEACHER_HASH_METADATA, JOB_ID_METADATA, LABELS_METADATA);

    private static final Logger logger = LoggerFactory.getLogger(StudentExporter.class);

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private StudentExporter() {
    }

    /**
     * The student as an ONNX model.
     *
     * @throws IllegalStateException if the model is closed
     * @throws IllegalArgumentException if labels are given for a student whose output is not logits, or
     *     their number differs from its classes, or the vocabulary remap points past the embedding table
     * @throws DistillationException if the architecture has no exporter, or a parameter is missing or of
     *     another shape than the configuration says
     */
    public static ModelProto export(StudentModel model, ExportOptions options) {
        Objects.requireNonNull(options, "options");
        return export(model, options, options.vocabularyRemap().orElse(null));
    }

    /**
     * Exports the student and writes it to {@code file} atomically (see {@code OnnxModelWriter}).
     *
     * @return the model written
     * @throws IOException if the file cannot be written
     * @see #export(StudentModel, ExportOptions)
     */
    public static ModelProto write(StudentModel model, ExportOptions options, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        ModelProto onnx = export(model, options);
        OnnxModelWriter.write(onnx, file);
        return onnx;
    }

    /**
     * The export with an optional vocabulary remapping at the graph's start (see
     * {@link StudentGraph#tokenIds()}): {@code vocabularyRemap[id]} is the embedding row of tokenizer id
     * {@code id}. The public overload passes {@link ExportOptions#vocabularyRemap()}; the remap given here
     * is the one used.
     */
    static ModelProto export(StudentModel model, ExportOptions options, long[] vocabularyRemap) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        if (model.isClosed()) {
            throw new IllegalStateException("The student model is closed; export it before closing it");
        }
        StudentBlock block = model.block();
        StudentConfig config = block.config();
        String jobId = options.jobId().orElse(null);
        checkLabels(config, options);
        if (vocabularyRemap != null) {
            checkRemap(vocabularyRemap, config.vocabSize());
        }
        ArchitectureGraph architecture = architectureOf(block, jobId);
        long parameters = model.parameterCount();
        OnnxModelBuilder builder = OnnxModelBuilder.create(config.architecture().replace('-', '_') + "_student")
                .opset("", options.opset())
                .producer(OnnxModelBuilder.DEFAULT_PRODUCER, producerVersion())
                .docString("Distill4j " + config.architecture() + " student, " + parameters + " parameters")
                .input(StudentBlock.INPUT_IDS, ElementType.INT64, StudentGraph.BATCH, StudentGraph.SEQUENCE)
                .input(StudentBlock.ATTENTION_MASK, ElementType.INT64, StudentGraph.BATCH, StudentGraph.SEQUENCE);
        String output = config.output().tensorName();
        architecture.write(new StudentGraph(builder, new StudentParameters(block, jobId), vocabularyRemap,
                options.opset()), output);
        builder.output(output, ElementType.FLOAT32, StudentGraph.BATCH, config.outputSize())
                .metadata(ARCHITECTURE_METADATA, config.architecture())
                .metadata(CONFIG_METADATA, configJson(config))
                .metadata(PARAMETERS_METADATA, Long.toString(parameters))
                .metadata(FRAMEWORK_METADATA, "DJL " + Engine.getDjlVersion() + ", PyTorch "
                        + PyTorchRuntime.engine().getVersion());
        if (vocabularyRemap != null) {
            builder.metadata(VOCABULARY_METADATA, "pruned " + config.vocabSize() + " of " + vocabularyRemap.length);
        }
        options.teacherHash().ifPresent(hash -> builder.metadata(TEACHER_HASH_METADATA, hash));
        options.jobId().ifPresent(id -> builder.metadata(JOB_ID_METADATA, id));
        if (!options.labels().isEmpty()) {
            builder.metadata(LABELS_METADATA, MAPPER.writeValueAsString(options.labels()));
        }
        options.metadata().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> builder.metadata(e.getKey(), e.getValue()));
        ModelProto onnx = builder.build();
        logger.info("Exported the {} student ({} parameters) to ONNX opset {}: {} nodes, {} bytes", config.architecture(),
                parameters, options.opset(), onnx.getGraph().getNodeCount(), onnx.getSerializedSize());
        return onnx;
    }

    /** The graph writer of the block's architecture, from the registered {@link Architecture}s. */
    private static ArchitectureGraph architectureOf(StudentBlock block, String jobId) {
        String id = block.config().architecture();
        return Architecture.of(id).orElseThrow(() -> new DistillationException(jobId, "No ONNX export for the "
                + "student architecture '" + id + "' (" + block.getClass().getName() + "); exportable architectures: "
                + Architecture.all().stream().map(Architecture::id).collect(Collectors.joining(", ")), null))
                .graph(block.config());
    }

    private static void checkLabels(StudentConfig config, ExportOptions options) {
        int labels = options.labels().size();
        if (labels == 0) {
            return;
        }
        if (config.output() != StudentOutput.LOGITS) {
            throw new IllegalArgumentException("labels are given (" + labels + ") but the student's output is "
                    + config.output() + ", not LOGITS");
        }
        if (labels != config.outputSize()) {
            throw new IllegalArgumentException("labels has " + labels + " entries but the student has "
                    + config.outputSize() + " classes (outputSize)");
        }
    }

    private static void checkRemap(long[] remap, int vocabSize) {
        if (remap.length == 0) {
            throw new IllegalArgumentException("vocabularyRemap must map at least one token id");
        }
        for (int i = 0; i < remap.length; i++) {
            if (remap[i] < 0 || remap[i] >= vocabSize) {
                throw new IllegalArgumentException("vocabularyRemap[" + i + "] must be a row of the embedding table, 0.."
                        + (vocabSize - 1) + ", was " + remap[i]);
            }
        }
    }

    private static String configJson(StudentConfig config) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("architecture", config.architecture());
        json.setAll((ObjectNode) MAPPER.valueToTree(config));
        return MAPPER.writeValueAsString(json);
    }

    private static String producerVersion() {
        String version = StudentExporter.class.getPackage().getImplementationVersion();
        return version != null ? version : "";
    }
}
