package io.distill4j.engine.validation;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.distill4j.api.ElementType;
import io.distill4j.api.Tensor;
import io.distill4j.api.TensorInfo;
import io.distill4j.api.exception.InvalidInputException;
import io.distill4j.engine.session.OrtTensors;

/**
 * Checks requests against a model and the engine's limits before anything native runs. Stateless and
 * thread-safe; the limits are fixed at construction.
 */
public final class InputValidator {

    private final int maxTextBytes;

    private final int maxBatchItems;

    private final long maxTensorElements;

    /**
     * @param maxTextBytes largest text, in UTF-8 bytes
     * @param maxBatchItems most texts in one request
     * @param maxTensorElements most elements in one raw input tensor
     */
    public InputValidator(int maxTextBytes, int maxBatchItems, long maxTensorElements) {
        this.maxTextBytes = maxTextBytes;
        this.maxBatchItems = maxBatchItems;
        this.maxTensorElements = maxTensorElements;
    }

    /**
     * Checks a list of texts: not empty, not over {@code maxBatchItems}, no null, each valid UTF-8 (no
     * unpaired surrogates) and at most {@code maxTextBytes} bytes long.
     */
    public void validateTexts(String modelId, List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw new InvalidInputException(modelId, "texts", "must contain at least 1 text (empty batch)");
        }
        if (texts.size() > this.maxBatchItems) {
            throw new InvalidInputException(modelId, "texts", "has " + texts.size() + " texts, limit is maxBatchItems="
                    + this.maxBatchItems);
        }
        for (int i = 0; i < texts.size(); i++) {
            validateText(modelId, "texts[" + i + "]", texts.get(i));
        }
    }

    /** Checks one text; see {@link #validateTexts}. */
    public void validateText(String modelId, String field, String text) {
        if (text == null) {
            throw new InvalidInputException(modelId, field, "must not be null");
        }
        long bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            }
            else if (c < 0x800) {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            }
            else if (Character.isSurrogate(c)) {
                throw new InvalidInputException(modelId, field, "is not valid UTF-8: unpaired surrogate U+"
                        + Integer.toHexString(c).toUpperCase() + " at char " + i);
            }
            else {
                bytes += 3;
            }
        }
        if (bytes > this.maxTextBytes) {
            throw new InvalidInputException(modelId, field, "is " + bytes + " bytes of UTF-8, limit is maxTextBytes="
                    + this.maxTextBytes);
        }
    }

    /**
     * Decodes wire bytes as strict UTF-8 (malformed input is an error, not a replacement character) and
     * checks the byte limit; for transports that carry text as bytes.
     */
    public String decodeUtf8(String modelId, String field, byte[] utf8) {
        if (utf8.length > this.maxTextBytes) {
            throw new InvalidInputException(modelId, field, "is " + utf8.length + " bytes, limit is maxTextBytes="
                    + this.maxTextBytes);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(utf8))
                .toString();
        }
        catch (CharacterCodingException ex) {
            throw new InvalidInputException(modelId, field, "is not valid UTF-8 (" + ex.getMessage() + ")");
        }
    }

    /**
     * Checks raw tensors against a model's inputs: every input present and no unknown one, element
     * type, rank, static dimensions, a non-empty batch, element count matching the shape, size limit,
     * and for strings the text rules.
     */
    public void validateTensors(String modelId, Map<String, TensorInfo> modelInputs, Map<String, Tensor> inputs) {
        if (inputs == null || inputs.isEmpty()) {
            throw new InvalidInputException(modelId, "inputs", "must contain the model inputs " + modelInputs.keySet());
        }
        for (String name : inputs.keySet()) {
            if (!modelInputs.containsKey(name)) {
                throw new InvalidInputException(modelId, "inputs." + name, "is not an input of the model; its inputs are "
                        + modelInputs.keySet());
            }
        }
        for (TensorInfo expected : modelInputs.values()) {
            Tensor tensor = inputs.get(expected.name());
            String field = "inputs." + expected.name();
            if (tensor == null) {
                throw new InvalidInputException(modelId, field, "is required (expected " + expected + ")");
            }
            validateTensor(modelId, field, expected, tensor);
        }
    }

    private void validateTensor(String modelId, String field, TensorInfo expected, Tensor tensor) {
        if (tensor.type() != expected.type()) {
            throw new InvalidInputException(modelId, field + ".datatype", "must be " + expected.type() + ", was "
                    + tensor.type());
        }
        if (!OrtTensors.isSupportedInput(tensor.type())) {
            throw new InvalidInputException(modelId, field + ".datatype", tensor.type() + " inputs are not supported");
        }
        long[] shape = tensor.shape();
        if (shape.length != expected.rank()) {
            throw new InvalidInputException(modelId, field + ".shape", "must have rank " + expected.rank() + " "
                    + expected.shape() + ", was " + Arrays.toString(shape));
        }
        for (int i = 0; i < shape.length; i++) {
            if (!expected.isDynamic(i) && shape[i] != expected.shape().get(i)) {
                throw new InvalidInputException(modelId, field + ".shape[" + i + "]", "must be " + expected.shape().get(i)
                        + " (model shape " + expected.shape() + "), was " + shape[i]);
            }
        }
        if (shape.length > 0 && shape[0] == 0) {
            throw new InvalidInputException(modelId, field + ".shape[0]", "must be >= 1 (empty batch)");
        }
        long elements;
        try {
            elements = tensor.shapeElementCount();
        }
        catch (ArithmeticException ex) {
            elements = Long.MAX_VALUE;
        }
        if (elements > this.maxTensorElements) {
            throw new InvalidInputException(modelId, field, "has " + elements + " elements, limit is maxTensorElements="
                    + this.maxTensorElements);
        }
        if (tensor.dataLength() != elements) {
            throw new InvalidInputException(modelId, field + ".data", "has " + tensor.dataLength()
                    + " elements but shape " + Arrays.toString(shape) + " needs " + elements);
        }
        if (tensor.type() == ElementType.STRING) {
            String[] strings = tensor.strings();
            for (int i = 0; i < strings.length; i++) {
                validateText(modelId, field + ".data[" + i + "]", strings[i]);
            }
        }
    }
}
