package io.distill4j.engine;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.distill4j.api.Tensor;
import io.distill4j.api.exception.IncompatibleModelException;
import io.distill4j.api.exception.InvalidInputException;

/**
 * Dynamic batching of raw tensor requests: requests whose inputs agree in every dimension but the
 * first are concatenated along dimension 0 into one run, and each output is split back by the rows
 * each request brought. Used for raw models whose manifest sets {@code dynamicBatching}.
 */
final class RawBatch {

    private RawBatch() {
    }

    /**
     * One validated raw request.
     * @param inputs tensors by input name
     * @param rows size of dimension 0, shared by every input
     * @param shapeKey bucket key: requests share a batch only if their inputs agree beyond dimension 0
     */
    record Request(Map<String, Tensor> inputs, long rows, int shapeKey) {
    }

    /** Checks that every input has the same dimension 0 and computes the bucket key. */
    static Request request(String modelId, Map<String, Tensor> inputs) {
        long rows = -1;
        String first = null;
        List<Object> signature = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            long[] shape = e.getValue().shape();
            if (rows < 0) {
                rows = shape[0];
                first = e.getKey();
            }
            else if (shape[0] != rows) {
                throw new InvalidInputException(modelId, "inputs." + e.getKey() + ".shape[0]", "must equal the batch size "
                        + rows + " of inputs." + first + ", was " + shape[0]);
            }
            signature.add(e.getKey());
            signature.add(Arrays.toString(Arrays.copyOfRange(shape, 1, shape.length)));
        }
        return new Request(inputs, rows, signature.hashCode());
    }

    /** Concatenates the requests' inputs along dimension 0. */
    static Map<String, Tensor> concat(List<Request> requests) {
        if (requests.size() == 1) {
            return requests.get(0).inputs();
        }
        long total = requests.stream().mapToLong(Request::rows).sum();
        Map<String, Tensor> merged = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : requests.get(0).inputs().entrySet()) {
            Tensor head = e.getValue();
            long[] shape = head.shape();
            long[] tail = Arrays.copyOfRange(shape, 1, shape.length);
            int length = Math.toIntExact(total * (head.shapeElementCount() / Math.max(1, shape[0])));
            Object data = Array.newInstance(Tensor.arrayClass(head.type()).getComponentType(), length);
            int offset = 0;
            for (Request r : requests) {
                Tensor part = r.inputs().get(e.getKey());
                long[] partShape = part == null ? null : part.shape();
                if (part == null || part.type() != head.type()
                        || !Arrays.equals(Arrays.copyOfRange(partShape, 1, partShape.length), tail)) {
                    // Bucket keys collided: fail the batch, the batcher re-runs each request alone.
                    throw new IllegalArgumentException("Requests of different shapes share a batch");
                }
                System.arraycopy(part.array(), 0, data, offset, part.dataLength());
                offset += part.dataLength();
            }
            shape[0] = total;
            merged.put(e.getKey(), Tensor.of(head.type(), data, shape));
        }
        return merged;
    }

    /** Splits every output along dimension 0 by each request's rows, in request order. */
    static List<Map<String, Tensor>> split(String modelId, Map<String, Tensor> outputs, List<Request> requests) {
        if (requests.size() == 1) {
            return List.of(outputs);
        }
        long total = requests.stream().mapToLong(Request::rows).sum();
        List<Map<String, Tensor>> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            results.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> e : outputs.entrySet()) {
            Tensor out = e.getValue();
            long[] shape = out.shape();
            if (shape.length == 0 || shape[0] != total) {
                throw new IncompatibleModelException(modelId, "Output " + e.getKey() + " has shape " + Arrays.toString(shape)
                        + " for a batch of " + total + " rows; dynamic batching needs outputs whose dimension 0 is the batch");
            }
            int rowLength = Math.toIntExact(out.shapeElementCount() / total);
            Class<?> component = Tensor.arrayClass(out.type()).getComponentType();
            int offset = 0;
            for (int i = 0; i < requests.size(); i++) {
                long rows = requests.get(i).rows();
                int length = Math.toIntExact(rows * rowLength);
                Object data = Array.newInstance(component, length);
                System.arraycopy(out.array(), offset, data, 0, length);
                offset += length;
                long[] partShape = shape.clone();
                partShape[0] = rows;
                results.get(i).put(e.getKey(), Tensor.of(out.type(), data, partShape));
            }
        }
        return results;
    }
}
