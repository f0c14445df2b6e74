package io.distill4j.pipeline.student.transformer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.distill4j.api.exception.ModelLoadException;
import io.distill4j.engine.onnx.OnnxModelReader;
import io.distill4j.engine.onnx.graph.GraphView;
import io.distill4j.engine.onnx.graph.OnnxTensors;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.ModelProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.pipeline.student.HiddenActivation;
import io.distill4j.pipeline.student.StudentModel;
import io.distill4j.pipeline.student.StudentOutput;
import io.distill4j.pipeline.train.PyTorchRuntime;
import io.distill4j.pipeline.train.TeacherInternals;

/**
 * The weights of a BERT-family encoder exported to ONNX (Hugging Face {@code BertModel}, e.g.
 * all-MiniLM-L6-v2), by their PyTorch names, and the shape they imply: what a {@link TransformerStudent}
 * needs to start from some of the teacher's own layers instead of random weights (layer-initialised
 * distillation: Sanh et al. 2019, DistilBERT, took every other teacher layer).
 *
 * <p><b>How the graph is read.</b> Embedding tables and LayerNorm parameters keep their PyTorch names as
 * initializers ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.output.LayerNorm.bias},
 * ...). A dense layer's weight is often renamed by the exporter ({@code onnx::MatMul_787}, stored
 * {@code [in, out]}); it is found through the graph instead: the {@code MatMul} whose output the
 * {@code Add} of the layer's named bias consumes. The heads come from the attention's score scaling (a
 * {@code Div} by {@code sqrt(headSize)}, or a {@code Mul} by its inverse), the LayerNorm epsilon from the
 * embeddings' LayerNorm. A graph that lacks any of these (a fused or quantized export, a different
 * family) is refused with a {@link ModelLoadException} naming what was missing.
 *
 * <p>A student built by {@link #studentConfig(int, int, int, int, StudentOutput)} has the teacher's width,
 * heads, feed-forward size, epsilon and GELU; {@link #initialize(StudentModel, int[], long[])} copies
 * the embeddings (rows of the kept token ids only, after vocabulary pruning), the chosen layers, and an
 * identity output layer when the output is as wide as the encoder (the student then starts as the
 * teacher with layers left out).
 *
 * <pre>{@code
 * BertEncoderWeights teacher = BertEncoderWeights.read(Path.of("all-minilm-l6-v2.onnx"));
 * TransformerConfig config = teacher.studentConfig(2, vocabSize, 256, 384, StudentOutput.EMBEDDING);
 * try (StudentModel student = StudentModel.create(config.newBlock(), 42)) {
 *     teacher.initialize(student, BertEncoderWeights.spreadLayers(2, teacher.layers()), keptIds);
 * }
 * }</pre>
 */
public final class BertEncoderWeights {

    private static final String WORDS = "embeddings.word_embeddings.weight";

    private static final String POSITIONS = "embeddings.position_embeddings.weight";

    private static final String TOKEN_TYPES = "embeddings.token_type_embeddings.weight";

    static final String EMBEDDINGS_NORM = "embeddings.LayerNorm";

    /** The student's child blocks, in order, and the teacher module each is copied from (per layer). */
    private static final List<String[]> LAYER_CHILDREN = List.of(
            new String[] {"attention_query", "attention.self.query"},
            new String[] {"attention_key", "attention.self.key"},
            new String[] {"attention_value", "attention.self.value"},
            new String[] {"attention_output", "attention.output.dense"},
            new String[] {"attention_norm", "attention.output.LayerNorm"},
            new String[] {"intermediate", "intermediate.dense"},
            new String[] {"output", "output.dense"},
            new String[] {"output_norm", "output.LayerNorm"});

    private final Map<String, TensorProto> initializers;

    /** Each dense module's {@code [in, out]} MatMul weight, by the module's PyTorch weight name. */
    private final Map<String, TensorProto> denseWeights;

    private final int layers;

    private final int hiddenSize;

    private final int heads;

    private final int intermediateSize;

    private final int vocabSize;

    private final int maxPositions;

    private final float layerNormEpsilon;

    private BertEncoderWeights(Map<String, TensorProto> initializers, Map<String, TensorProto> denseWeights, int layers,
            int hiddenSize, int heads, int intermediateSize, int vocabSize, int maxPositions, float layerNormEpsilon) {
        this.initializers = initializers;
        this.denseWeights = denseWeights;
        this.layers = layers;
        this.hiddenSize = hiddenSize;
        this.heads = heads;
        this.intermediateSize = intermediateSize;
        this.vocabSize = vocabSize;
        this.maxPositions = maxPositions;
        this.layerNormEpsilon = layerNormEpsilon;
    }

    /**
     * Reads an encoder's weights (the file once, with the engine's safe reader).
     * @throws ModelLoadException if the file is not an ONNX model or not a BERT-family encoder this reader
     * understands; the message names the missing piece
     */
    public static BertEncoderWeights read(Path onnxFile) {
        String id = onnxFile.getFileName().toString();
        ModelProto model;
        try {
            model = OnnxModelReader.ofDefaults().read(onnxFile, id);
        }
        catch (RuntimeException ex) {
            throw new ModelLoadException(id, "cannot read the teacher encoder: " + ex.getMessage(), ex);
        }
        return of(model.getGraph(), id);
    }

    /** Reads the weights from a graph already parsed; see {@link #read(Path)}. */
    public static BertEncoderWeights of(GraphProto graph, String id) {
        GraphView view = GraphView.of(graph);
        Map<String, TensorProto> initializers = view.initializers();
        TensorProto words = BertGraph.require(initializers, WORDS, id);
        if (words.getDimsCount() != 2) {
            throw BertGraph.notBert(id, WORDS + " must be [vocab, hidden], is " + words.getDimsList());
        }
        int vocab = (int) words.getDims(0);
        int hidden = (int) words.getDims(1);
        int positions = (int) BertGraph.require(initializers, POSITIONS, id).getDims(0);
        int layers = 0;
        while (initializers.containsKey(layerName(layers, "attention.self.query") + ".bias")) {
            layers++;
        }
        if (layers == 0) {
            throw BertGraph.notBert(id, "no encoder.layer.0.attention.self.query.bias initializer");
        }
        Map<String, TensorProto> dense = new HashMap<>();
        int intermediate = 0;
        for (int layer = 0; layer < layers; layer++) {
            for (String[] child : LAYER_CHILDREN) {
                String module = layerName(layer, child[1]);
                if (module.endsWith("LayerNorm")) {
                    BertGraph.require(initializers, module + ".weight", id);
                    BertGraph.require(initializers, module + ".bias", id);
                    continue;
                }
                TensorProto weight = BertGraph.denseWeight(view, module, id);
                long out = BertGraph.require(initializers, module + ".bias", id).getDims(0);
                if (weight.getDims(1) != out) {
                    throw BertGraph.notBert(id, "the MatMul weight of " + module + " is " + weight.getDimsList()
                            + ", not [in, " + out + "]");
                }
                if (child[1].equals("intermediate.dense")) {
                    intermediate = (int) out;
                }
                dense.put(module + ".weight", weight);
            }
        }
        return new BertEncoderWeights(initializers, dense, layers, hidden, BertGraph.heads(view, hidden, id),
                intermediate, vocab, positions,
                BertGraph.epsilon(view).orElse(TransformerConfig.DEFAULT_LAYER_NORM_EPSILON));
    }

    /** Encoder layers in the teacher. */
    public int layers() {
        return this.layers;
    }

    public int hiddenSize() {
        return this.hiddenSize;
    }

    public int heads() {
        return this.heads;
    }

    public int intermediateSize() {
        return this.intermediateSize;
    }

    /** Rows of the teacher's word embedding table (its tokenizer's vocabulary). */
    public int vocabSize() {
        return this.vocabSize;
    }

    /** Rows of the teacher's position table: the longest sequence it takes. */
    public int maxPositions() {
        return this.maxPositions;
    }

    public float layerNormEpsilon() {
        return this.layerNormEpsilon;
    }

    /**
     * {@code count} teacher layers spread evenly from the first to the last: student layer {@code i} is
     * teacher layer {@code round(i * (teacherLayers - 1) / (count - 1))}, and a single layer is the last
     * one; e.g. 2 of 6 are {@code [0, 5]}, 3 of 6 are {@code [0, 3, 5]}. Keeping both ends keeps most of the
     * teacher at the start: cut from all-MiniLM-L6-v2 and before any training, {@code [0, 5]} scores a
     * Spearman of 0.80 on the STS-B dev pairs (the teacher 0.87), {@code [2, 5]} 0.74, {@code [0, 1]}
     * 0.65; {@code [0, 3, 5]} 0.84.
     * @throws IllegalArgumentException unless {@code 1 <= count <= teacherLayers}
     */
    public static int[] spreadLayers(int count, int teacherLayers) {
        if (count < 1 || count > teacherLayers) {
            throw new IllegalArgumentException("student layers must be between 1 and the teacher's " + teacherLayers
                    + ", was " + count);
        }
        if (count == 1) {
            return new int[] {teacherLayers - 1};
        }
        int[] chosen = new int[count];
        for (int i = 0; i < count; i++) {
            chosen[i] = (int) Math.round(i * (teacherLayers - 1) / (double) (count - 1));
        }
        return chosen;
    }

    /**
     * The whole teacher as a frozen DJL model with all its layers and its full vocabulary, for
     * intermediate-layer distillation: its hidden states and attention probabilities per batch. The student's
     * ids are mapped back through {@code keptIds} first when its vocabulary was pruned.
     * @param maxPositions the longest sequence it will be given, at most {@link #maxPositions()}
     * @param keptIds the teacher id of each student id, or {@code null} for the teacher's own ids
     * @return internals that own the model; the caller closes them
     */
    public TeacherInternals internals(int maxPositions, long[] keptIds) {
        TransformerConfig config = studentConfig(this.layers, this.vocabSize, maxPositions, this.hiddenSize,
                StudentOutput.EMBEDDING);
        StudentModel model = StudentModel.create(config.newBlock(), 0);
        try {
            int[] all = new int[this.layers];
            Arrays.setAll(all, i -> i);
            initialize(model, all, null);
            return TeacherInternals.of(model, keptIds);
        }
        catch (RuntimeException ex) {
            model.close();
            throw ex;
        }
    }

    /**
     * A student config with the teacher's shape and {@code layers} layers, mean-pooled.
     * @param maxPositions the longest sequence the student takes, at most {@link #maxPositions()}
     */
    public TransformerConfig studentConfig(int layers, int vocabSize, int maxPositions, int outputSize,
            StudentOutput output) {
        return studentConfig(layers, this.intermediateSize, vocabSize, maxPositions, outputSize, output,
                TransformerConfig.Pooling.MEAN);
    }

    /**
     * A student config with the teacher's width and heads, {@code layers} layers and feed-forward blocks
     * {@code intermediateSize} wide: narrower than the teacher's, {@link #initialize} keeps each layer's
     * strongest feed-forward units.
     * @param intermediateSize 1 to {@link #intermediateSize()}
     * @param maxPositions the longest sequence the student takes, at most {@link #maxPositions()}
     * @param pooling the teacher's pooling, which the student keeps
     */
    public TransformerConfig studentConfig(int layers, int intermediateSize, int vocabSize, int maxPositions,
            int outputSize, StudentOutput output, TransformerConfig.Pooling pooling) {
        if (maxPositions > this.maxPositions) {
            throw new IllegalArgumentException("maxPositions must be at most the teacher's " + this.maxPositions
                    + ", was " + maxPositions);
        }
        if (intermediateSize < 1 || intermediateSize > this.intermediateSize) {
            throw new IllegalArgumentException("intermediateSize must be between 1 and the teacher's "
                    + this.intermediateSize + ", was " + intermediateSize);
        }
        return TransformerConfig.builder().vocabSize(vocabSize).maxPositions(maxPositions).hiddenSize(this.hiddenSize)
            .layers(layers).heads(this.heads).intermediateSize(intermediateSize).outputSize(outputSize)
            .output(output).activation(HiddenActivation.GELU).layerNormEpsilon(this.layerNormEpsilon)
            .pooling(pooling).build();
    }

    /**
     * Overwrites a student's parameters with the teacher's: the word embeddings of {@code keptIds} (row
     * {@code r} of the student is teacher row {@code keptIds[r]}; all rows in order when {@code null}), the
     * first position rows plus token type 0 (the single-segment input the student takes), the embedding
     * LayerNorm, teacher layer {@code teacherLayers[i]} into student layer {@code i}, and an identity output
     * layer with zero bias when the output is as wide as the encoder (left as initialised otherwise). A
     * student with narrower feed-forward blocks gets, per layer, the units with the largest
     * {@code |w_in| * |w_out|} (the norms of the unit's input row and output column), in their order:
     * magnitude pruning, which training then recovers from.
     * @throws IllegalArgumentException if the student's shape does not match the teacher's, a layer index or
     * a kept id is out of range
     */
    public void initialize(StudentModel student, int[] teacherLayers, long[] keptIds) {
        if (!TransformerConfig.ARCHITECTURE.equals(student.config().architecture())) {
            throw new IllegalArgumentException("only a transformer student starts from teacher layers, not "
                    + student.config().architecture());
        }
        TransformerConfig config = (TransformerConfig) student.config();
        if (config.hiddenSize() != this.hiddenSize || config.heads() != this.heads
                || config.intermediateSize() > this.intermediateSize || config.layers() != teacherLayers.length) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the student (hidden %d, heads %d, "
                    + "intermediate %d, %d layers) must have the teacher's shape (hidden %d, heads %d, intermediate "
                    + "at most %d) and one layer per chosen teacher layer %s", config.hiddenSize(), config.heads(),
                    config.intermediateSize(), config.layers(), this.hiddenSize, this.heads, this.intermediateSize,
                    Arrays.toString(teacherLayers)));
        }
        long[] rows = keptIds;
        if (rows == null) {
            rows = new long[this.vocabSize];
            Arrays.setAll(rows, i -> i);
        }
        if (rows.length != config.vocabSize()) {
            throw new IllegalArgumentException("keptIds has " + rows.length + " ids for a student vocabulary of "
                    + config.vocabSize());
        }
        Map<String, float[]> values = new HashMap<>();
        values.put("word_embeddings", gatherRows(floats(WORDS), rows));
        float[] positions = Arrays.copyOf(floats(POSITIONS), config.maxPositions() * this.hiddenSize);
        TensorProto tokenTypes = this.initializers.get(TOKEN_TYPES);
        if (tokenTypes != null) {
            float[] firstType = OnnxTensors.toFloats(tokenTypes);
            for (int i = 0; i < positions.length; i++) {
                positions[i] += firstType[i % this.hiddenSize];
            }
        }
        values.put("position_embeddings", positions);
        putNorm(values, "embeddings_norm", EMBEDDINGS_NORM);
        for (int i = 0; i < teacherLayers.length; i++) {
            int source = teacherLayers[i];
            if (source < 0 || source >= this.layers) {
                throw new IllegalArgumentException("teacher layer " + source + " is out of range 0.." + (this.layers - 1));
            }
            for (String[] child : LAYER_CHILDREN) {
                String target = "layer" + i + "_" + child[0];
                String module = layerName(source, child[1]);
                if (module.endsWith("LayerNorm")) {
                    putNorm(values, target, module);
                }
                else {
                    TensorProto weight = this.denseWeights.get(module + ".weight");
                    values.put(target + "_weight", transpose(OnnxTensors.toFloats(weight), (int) weight.getDims(0),
                            (int) weight.getDims(1)));
                    values.put(target + "_bias", floats(module + ".bias"));
                }
            }
            if (config.intermediateSize() < this.intermediateSize) {
                keepStrongestUnits(values, "layer" + i + "_", config.intermediateSize());
            }
        }
        if (config.outputSize() == this.hiddenSize) {
            float[] identity = new float[this.hiddenSize * this.hiddenSize];
            for (int i = 0; i < this.hiddenSize; i++) {
                identity[i * this.hiddenSize + i] = 1f;
            }
            values.put("output_weight", identity);
            values.put("output_bias", new float[this.hiddenSize]);
        }
        for (Pair<String, Parameter> parameter : student.block().getParameters()) {
            // DJL prefixes a child block's parameters with the child's two-digit position.
            float[] value = values.remove(parameter.getKey().replaceFirst("^\\d+", ""));
            if (value == null) {
                continue;
            }
            NDArray array = parameter.getValue().getArray();
            if (array.size() != value.length) {
                throw new IllegalStateException("parameter " + parameter.getKey() + " has " + array.size()
                        + " elements, the teacher's has " + value.length);
            }
            PyTorchRuntime.copyInto(array, value);
        }
        if (!values.isEmpty()) {
            throw new IllegalStateException("the student has no parameters named " + values.keySet());
        }
    }

    /**
     * Narrows one layer's feed-forward block to its {@code keep} units with the largest product of
     * input-row and output-column norms, in their original order.
     */
    private void keepStrongestUnits(Map<String, float[]> values, String layer, int keep) {
        int hidden = this.hiddenSize;
        int units = this.intermediateSize;
        float[] in = values.get(layer + "intermediate_weight");
        float[] inBias = values.get(layer + "intermediate_bias");
        float[] out = values.get(layer + "output_weight");
        double[] strength = new double[units];
        for (int u = 0; u < units; u++) {
            double rowNorm = 0;
            double columnNorm = 0;
            for (int h = 0; h < hidden; h++) {
                rowNorm += in[u * hidden + h] * in[u * hidden + h];
                columnNorm += out[h * units + u] * out[h * units + u];
            }
            strength[u] = Math.sqrt(rowNorm * columnNorm);
        }
        int[] kept = java.util.stream.IntStream.range(0, units).boxed()
            .sorted((a, b) -> Double.compare(strength[b], strength[a])).limit(keep).mapToInt(Integer::intValue)
            .sorted().toArray();
        float[] narrowIn = new float[keep * hidden];
        float[] narrowBias = new float[keep];
        float[] narrowOut = new float[hidden * keep];
        for (int k = 0; k < keep; k++) {
            int u = kept[k];
            System.arraycopy(in, u * hidden, narrowIn, k * hidden, hidden);
            narrowBias[k] = inBias[u];
            for (int h = 0; h < hidden; h++) {
                narrowOut[h * keep + k] = out[h * units + u];
            }
        }
        values.put(layer + "intermediate_weight", narrowIn);
        values.put(layer + "intermediate_bias", narrowBias);
        values.put(layer + "output_weight", narrowOut);
    }

    private void putNorm(Map<String, float[]> values, String target, String module) {
        values.put(target + "_gamma", floats(module + ".weight"));
        values.put(target + "_beta", floats(module + ".bias"));
    }

    private float[] floats(String name) {
        return OnnxTensors.toFloats(this.initializers.get(name));
    }

    private float[] gatherRows(float[] table, long[] rows) {
        float[] out = new float[rows.length * this.hiddenSize];
        for (int r = 0; r < rows.length; r++) {
            long source = rows[r];
            if (source < 0 || source >= this.vocabSize) {
                throw new IllegalArgumentException("kept token id " + source + " is out of the teacher's vocabulary 0.."
                        + (this.vocabSize - 1));
            }
            System.arraycopy(table, (int) source * this.hiddenSize, out, r * this.hiddenSize, this.hiddenSize);
        }
        return out;
    }

    private static String layerName(int layer, String module) {
        return "encoder.layer." + layer + "." + module;
    }

    private static float[] transpose(float[] matrix, int rows, int columns) {
        float[] out = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                out[c * rows + r] = matrix[r * columns + c];
            }
        }
        return out;
    }
}
