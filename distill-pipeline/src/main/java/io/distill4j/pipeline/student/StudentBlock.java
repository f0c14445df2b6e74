package io.distill4j.pipeline.student;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distill4j.api.exception.InvalidInputException;

/**
 * The contract every student model keeps, whatever its architecture (bag of embeddings, TextCNN, a
 * small Transformer encoder, or a BERT-family encoder with imported weights):
 *
 * <ul>
 * <li><b>inputs</b>: {@code NDList(input_ids [B, T], attention_mask [B, T])}, integer arrays (int64
 * preferred) of the same shape; ids in {@code 0 .. vocabSize - 1}; mask 1 for a real token and 0 for
 * padding. These are the names the blocks report to DJL and the names of the exported graph's
 * inputs, as for a Hugging Face encoder.</li>
 * <li><b>output</b>: {@code NDList(out [B, outputSize])}, float32: logits or an embedding, see
 * {@link StudentConfig#output()}.</li>
 * <li><b>structure</b>: the block is built only from its {@link StudentConfig}, owns its parameters
 * as named DJL {@code Parameter}s and plain child blocks ({@code Linear}, ...), and computes its
 * forward pass in explicit code, so that the ONNX exporter can write the same graph node for node.</li>
 * </ul>
 *
 * Subclasses implement {@link #forward(ParameterStore, NDArray, NDArray, boolean)}; this class checks
 * the inputs first and raises {@link InvalidInputException} naming the field and the limit, instead
 * of letting PyTorch fail inside native code.
 *
 * <p>A block holds no native memory until a model initialises it; its parameter arrays then belong
 * to that model's {@code NDManager} (see {@link StudentModel}).
 */
public abstract class StudentBlock extends AbstractBlock {

    /** Name of the first input. */
    public static final String INPUT_IDS = "input_ids";

    /** Name of the second input. */
    public static final String ATTENTION_MASK = "attention_mask";

    protected StudentBlock(byte version) {
        super(version);
        this.inputNames = List.of(INPUT_IDS, ATTENTION_MASK);
    }

    /** The hyper-parameters this block was built from. */
    public abstract StudentConfig config();

    /** Number of trainable scalars, known before initialisation. */
    public long parameterCount() {
        return config().parameterCount();
    }

    /**
     * The architecture's forward pass, on inputs already checked.
     * @param parameterStore where parameter values are read from (DJL's)
     * @param inputIds {@code [B, T]} int64, every id in {@code 0 .. vocabSize - 1}
     * @param attentionMask {@code [B, T]}, same shape, integer
     * @param training whether dropout and other training-only behaviour apply
     * @return {@code [B, outputSize]}
     */
    protected abstract NDArray forward(ParameterStore parameterStore, NDArray inputIds, NDArray attentionMask,
            boolean training);

    /** Adds the token embedding table {@code embedding} {@code [vocabSize, dimension]} as a parameter. */
    protected final Parameter addEmbedding(int vocabSize, int dimension) {
        return addParameter(Parameter.builder()
            .setName("embedding")
            .setType(Parameter.Type.WEIGHT)
            .optShape(new Shape(vocabSize, dimension))
            .build());
    }

    /**
     * Adds the child blocks {@code hidden1 .. hiddenN} and {@code output} of a {@link DenseHead}, in that
     * order, after the blocks added so far.
     */
    protected final DenseHead addDenseHead(List<Integer> hiddenSizes, int outputSize) {
        List<Linear> hidden = new ArrayList<>(hiddenSizes.size());
        for (int i = 0; i < hiddenSizes.size(); i++) {
            hidden.add(addChildBlock("hidden" + (i + 1), Linear.builder().setUnits(hiddenSizes.get(i)).build()));
        }
        return new DenseHead(hidden, addChildBlock("output", Linear.builder().setUnits(outputSize).build()));
    }

    /** Inverted dropout with probability {@code rate} while training; the identity otherwise or at rate 0. */
    protected static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate == 0f) {
            return x;
        }
        return Dropout.dropout(x, rate, true).singletonOrThrow();
    }

    @Override
    protected final NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList checked = checkInputs(inputs);
        return new NDList(forward(parameterStore, checked.get(0), checked.get(1), training));
    }

    /**
     * The inputs as {@link #forward(ParameterStore, NDArray, NDArray, boolean)} takes them, ids as int64,
     * after the checks of the contract above.
     * @throws InvalidInputException naming the input that breaks the contract
     */
    protected final NDList checkInputs(NDList inputs) {
        if (inputs.size() != 2) {
            throw new InvalidInputException(null, "inputs", "a student takes two arrays, " + INPUT_IDS + " and "
                    + ATTENTION_MASK + ", got " + inputs.size());
        }
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(1);
        Shape shape = ids.getShape();
        if (shape.dimension() != 2 || !ids.getDataType().isInteger()) {
            throw new InvalidInputException(null, INPUT_IDS, "must be an integer array [batch, tokens], got "
                    + ids.getDataType() + " " + shape);
        }
        if (!mask.getShape().equals(shape) || !mask.getDataType().isInteger()) {
            throw new InvalidInputException(null, ATTENTION_MASK, "must be an integer array of the ids' shape " + shape
                    + ", got " + mask.getDataType() + " " + mask.getShape());
        }
        if (ids.getDataType() != DataType.INT64) {
            ids = ids.toType(DataType.INT64, false);
        }
        int vocabSize = config().vocabSize();
        if (shape.size() > 0 && ids.lt(0).logicalOr(ids.gte(vocabSize)).any().getBoolean()) {
            throw new InvalidInputException(null, INPUT_IDS, "token ids must be in 0.." + (vocabSize - 1) + " (vocabSize "
                    + vocabSize + "), found " + ids.min().getLong() + ".." + ids.max().getLong());
        }
        return new NDList(ids, mask);
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] { new Shape(inputShapes[0].get(0), config().outputSize()) };
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + config() + "; inputs " + Arrays.asList(INPUT_IDS, ATTENTION_MASK) + "]";
    }
}
