package io.distill4j.engine.onnx.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

import io.distill4j.engine.onnx.proto.AttributeProto;
import io.distill4j.engine.onnx.proto.GraphProto;
import io.distill4j.engine.onnx.proto.NodeProto;
import io.distill4j.engine.onnx.proto.SparseTensorProto;
import io.distill4j.engine.onnx.proto.TensorProto;
import io.distill4j.engine.onnx.proto.ValueInfoProto;

/**
 * A read-only, topologically ordered view of one ONNX graph, for code that rewrites models: the nodes in
 * an order in which every node comes after the producers of the values it reads, the node producing
 * each value, the nodes consuming it, the initializers by name, and the graph inputs and outputs.
 *
 * <p>{@link #of(GraphProto)} checks the graph's structure and fails with an
 * {@link IllegalArgumentException} that says what is wrong and where (graph, node index, node name and
 * operator, value name):
 * <ul>
 * <li>graph inputs and initializers are named and unique among their kind (an initializer may also be
 * listed as a graph input, as models before IR version 4 require), and node outputs are defined once
 * and differ from every graph input and initializer;
 * <li>every node input is an empty string (an absent optional input), a graph input, an initializer, a
 * node output anywhere in the graph or, in a subgraph, a value of an enclosing graph;
 * <li>the graph has at least one output, and each is defined;
 * <li>the nodes form no cycle (the message lists the nodes on one cycle);
 * <li>the same holds, recursively, for the subgraphs in node attributes (the bodies of {@code If},
 * {@code Loop}, {@code Scan}), which may read values of their enclosing graphs.
 * </ul>
 * A node whose subgraph reads a value of the enclosing graph depends on that value as if it were an
 * input: it comes after its producer in {@link #nodes()} and is among its {@link #consumers(String)}.
 * Operator semantics, types and shapes are not checked.
 *
 * <p>A view holds the {@link GraphProto} it was made from, an immutable message, and never changes; a
 * rewrite builds a new graph and, if it needs one, a new view. Instances are thread-safe.
 */
public final class GraphView {

    private final GraphProto graph;

    private final List<NodeProto> nodes;

    /** Value name → index in {@link GraphProto#getNodeList()} of the node producing it. */
    private final Map<String, Integer> producers;

    /** Value name → indexes in {@link GraphProto#getNodeList()} of its consumers, in topological order. */
    private final Map<String, List<Integer>> consumers;

    private final Map<String, TensorProto> initializers;

    private GraphView(GraphProto graph, List<NodeProto> nodes, Map<String, Integer> producers,
            Map<String, List<Integer>> consumers, Map<String, TensorProto> initializers) {
        this.graph = graph;
        this.nodes = nodes;
        this.producers = producers;
        this.consumers = consumers;
        this.initializers = initializers;
    }

    /**
     * Checks {@code graph} and its subgraphs as described above and returns its view.
     *
     * @throws IllegalArgumentException naming the first structural problem found
     */
    public static GraphView of(GraphProto graph) {
        return analyze(graph, describeGraph(graph), Scope.NONE).view;
    }

    /** The graph this view was made from. */
    public GraphProto graph() {
        return this.graph;
    }

    /**
     * Every node of the graph, each after the producers of the values it reads (through its subgraphs
     * too). Nodes that are already in such an order keep it.
     */
    public List<NodeProto> nodes() {
        return this.nodes;
    }

    /**
     * The node that outputs {@code value}; empty if a graph input or initializer defines it, or nothing
     * in this graph does.
     */
    public Optional<NodeProto> producer(String value) {
        Integer index = this.producers.get(value);
        return index == null ? Optional.empty() : Optional.of(this.graph.getNode(index));
    }

    /**
     * The nodes that read {@code value}, directly or in one of their subgraphs, each once, in the order
     * of {@link #nodes()}; empty if none does. Graph outputs are not nodes: see {@link #outputs()}.
     */
    public List<NodeProto> consumers(String value) {
        List<Integer> indexes = this.consumers.getOrDefault(value, List.of());
        List<NodeProto> result = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            result.add(this.graph.getNode(index));
        }
        return Collections.unmodifiableList(result);
    }

    /** The graph's initializers by name, in the order the graph lists them. */
    public Map<String, TensorProto> initializers() {
        return this.initializers;
    }

    /** The graph inputs, in order. Before IR version 4 they include the initializers. */
    public List<ValueInfoProto> inputs() {
        return this.graph.getInputList();
    }

    /** The graph outputs, in order. */
    public List<ValueInfoProto> outputs() {
        return this.graph.getOutputList();
    }

    /** {@code graph 'name'}, the way messages name the top-level graph {@code graph}. */
    static String describeGraph(GraphProto graph) {
        return "graph '" + graph.getName() + "'";
    }

    /** {@code node #3 'Mul_3' (Mul) in graph 'g'}: how messages name a node. */
    static String describeNode(int index, NodeProto node, String graph) {
        String name = node.getName().isEmpty() ? "" : " '" + node.getName() + "'";
        return "node #" + index + name + " (" + node.getOpType() + ") in " + graph;
    }

    /** How messages name the subgraph {@code sub} held by {@code attribute} of a node. */
    static String describeSubgraph(GraphProto sub, AttributeProto attribute, String node) {
        return "graph '" + sub.getName() + "' (attribute '" + attribute.getName() + "' of " + node + ")";
    }

    /** The subgraphs held by {@code attribute}: its {@code g} and its {@code graphs}. */
    static List<GraphProto> subgraphs(AttributeProto attribute) {
        if (!attribute.hasG()) {
            return attribute.getGraphsList();
        }
        List<GraphProto> graphs = new ArrayList<>(1 + attribute.getGraphsCount());
        graphs.add(attribute.getG());
        graphs.addAll(attribute.getGraphsList());
        return graphs;
    }

    /** The view of one graph and the values of enclosing graphs that it (or a subgraph of it) reads. */
    private record Analysis(GraphView view, Set<String> outerReads) {
    }

    /** The names visible in a graph: its own values and, recursively, those of the graphs enclosing it. */
    private record Scope(Set<String> names, Scope parent) {

        static final Scope NONE = new Scope(Set.of(), null);

        boolean defines(String name) {
            for (Scope scope = this; scope != null; scope = scope.parent) {
                if (scope.names.contains(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static Analysis analyze(GraphProto graph, String where, Scope outer) {
        // Graph inputs and initializers: value name → what defines it, for messages.
        Map<String, String> definedBy = new HashMap<>();
        Set<String> inputNames = new LinkedHashSet<>();
        for (ValueInfoProto input : graph.getInputList()) {
            requireName(input.getName(), "a graph input", where);
            if (!inputNames.add(input.getName())) {
                throw new IllegalArgumentException(
                        capitalize(where) + " has two graph inputs named '" + input.getName() + "'");
            }
            definedBy.put(input.getName(), "a graph input");
        }
        Map<String, TensorProto> initializers = new LinkedHashMap<>();
        for (TensorProto initializer : graph.getInitializerList()) {
            defineInitializer(initializer.getName(), initializers, initializer, definedBy, where);
        }
        Set<String> sparseNames = new LinkedHashSet<>();
        for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
            String name = sparse.getValues().getName();
            requireName(name, "a sparse initializer", where);
            if (initializers.containsKey(name) || !sparseNames.add(name)) {
                throw new IllegalArgumentException(
                        capitalize(where) + " has two initializers named '" + name + "'");
            }
            definedBy.put(name, "an initializer");
        }

        List<NodeProto> nodeList = graph.getNodeList();
        Map<String, Integer> producers = new HashMap<>();
        for (int i = 0; i < nodeList.size(); i++) {
            NodeProto node = nodeList.get(i);
            for (String output : node.getOutputList()) {
                if (output.isEmpty()) {
                    continue;
                }
                Integer earlier = producers.get(output);
                String previous = earlier != null ? describeNode(earlier, nodeList.get(earlier), where)
                        : definedBy.get(output);
                if (previous != null) {
                    throw new IllegalArgumentException("Output '" + output + "' of " + describeNode(i, node, where)
                            + " is already defined by " + previous);
                }
                producers.put(output, i);
            }
        }

        Set<String> local = new LinkedHashSet<>(definedBy.keySet());
        local.addAll(producers.keySet());
        Scope scope = new Scope(local, outer);
        Set<String> outerReads = new LinkedHashSet<>();
        // For each node, the values it reads (explicitly or through its subgraphs), in first-read order.
        List<Set<String>> reads = new ArrayList<>(nodeList.size());
        for (int i = 0; i < nodeList.size(); i++) {
            NodeProto node = nodeList.get(i);
            String described = describeNode(i, node, where);
            Set<String> nodeReads = new LinkedHashSet<>();
            for (String input : node.getInputList()) {
                if (input.isEmpty()) {
                    continue;
                }
                if (!scope.defines(input)) {
                    throw new IllegalArgumentException(capitalize(described) + " reads '" + input
                            + "', which no graph input, initializer or node output defines");
                }
                nodeReads.add(input);
            }
            for (AttributeProto attribute : node.getAttributeList()) {
                for (GraphProto sub : subgraphs(attribute)) {
                    nodeReads.addAll(analyze(sub, describeSubgraph(sub, attribute, described), scope).outerReads);
                }
            }
            for (String value : nodeReads) {
                if (!local.contains(value)) {
                    outerReads.add(value);
                }
            }
            reads.add(nodeReads);
        }

        if (graph.getOutputCount() == 0) {
            throw new IllegalArgumentException(capitalize(where) + " has no outputs");
        }
        for (ValueInfoProto output : graph.getOutputList()) {
            if (!scope.defines(output.getName())) {
                throw new IllegalArgumentException("Output '" + output.getName() + "' of " + where
                        + " is not defined by any graph input, initializer or node");
            }
            if (!local.contains(output.getName())) {
                outerReads.add(output.getName());
            }
        }

        List<Integer> order = topologicalOrder(nodeList, reads, producers, where);
        int[] position = new int[nodeList.size()];
        for (int p = 0; p < order.size(); p++) {
            position[order.get(p)] = p;
        }
        Map<String, List<Integer>> consumers = new HashMap<>();
        for (int i : order) {
            for (String value : reads.get(i)) {
                consumers.computeIfAbsent(value, v -> new ArrayList<>()).add(i);
            }
        }
        consumers.replaceAll((value, indexes) -> List.copyOf(indexes));
        List<NodeProto> sorted = new ArrayList<>(order.size());
        for (int i : order) {
            sorted.add(nodeList.get(i));
        }
        GraphView view = new GraphView(graph, List.copyOf(sorted), producers, consumers,
                Collections.unmodifiableMap(initializers));
        return new Analysis(view, outerReads);
    }

    private static void defineInitializer(String name, Map<String, TensorProto> initializers, TensorProto tensor,
            Map<String, String> definedBy, String where) {
        requireName(name, "an initializer", where);
        if (initializers.putIfAbsent(name, tensor) != null) {
            throw new IllegalArgumentException(capitalize(where) + " has two initializers named '" + name + "'");
        }
        // An initializer may share its name with a graph input (IR < 4, or an overridable default).
        definedBy.put(name, "an initializer");
    }

    private static void requireName(String name, String what, String where) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException(capitalize(where) + " has " + what + " without a name");
        }
    }

    /**
     * Kahn's algorithm, always taking the ready node that comes first in the graph, so that a graph
     * already in topological order keeps its order.
     */
    private static List<Integer> topologicalOrder(List<NodeProto> nodes, List<Set<String>> reads,
            Map<String, Integer> producers, String where) {
        int n = nodes.size();
        List<Set<Integer>> predecessors = new ArrayList<>(n);
        List<List<Integer>> successors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            successors.add(new ArrayList<>());
        }
        int[] pending = new int[n];
        for (int i = 0; i < n; i++) {
            Set<Integer> preds = new LinkedHashSet<>();
            for (String value : reads.get(i)) {
                Integer producer = producers.get(value);
                if (producer != null && preds.add(producer)) {
                    successors.get(producer).add(i);
                }
            }
            predecessors.add(preds);
            pending[i] = preds.size();
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Integer> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(i);
            for (int next : successors.get(i)) {
                if (--pending[next] == 0) {
                    ready.add(next);
                }
            }
        }
        if (order.size() < n) {
            throw new IllegalArgumentException(capitalize(where) + " has a cycle: "
                    + describeCycle(nodes, predecessors, pending));
        }
        return order;
    }

    /**
     * One cycle among the nodes left unsorted ({@code pending > 0}). Each of them has a predecessor that
     * is also left, so walking from predecessor to predecessor must revisit a node; the nodes between
     * the two visits form a cycle, listed in the direction data flows from its first node in the graph.
     */
    private static String describeCycle(List<NodeProto> nodes, List<Set<Integer>> predecessors, int[] pending) {
        int start = 0;
        while (pending[start] == 0) {
            start++;
        }
        List<Integer> walk = new ArrayList<>();
        Map<Integer, Integer> seenAt = new HashMap<>();
        int current = start;
        while (!seenAt.containsKey(current)) {
            seenAt.put(current, walk.size());
            walk.add(current);
            for (int pred : predecessors.get(current)) {
                if (pending[pred] > 0) {
                    current = pred;
                    break;
                }
            }
        }
        List<Integer> cycle = new ArrayList<>(walk.subList(seenAt.get(current), walk.size()));
        Collections.reverse(cycle);
        Collections.rotate(cycle, -cycle.indexOf(Collections.min(cycle)));
        cycle.add(cycle.get(0));
        StringBuilder text = new StringBuilder();
        for (int i : cycle) {
            if (text.length() > 0) {
                text.append(" -> ");
            }
            NodeProto node = nodes.get(i);
            text.append("node #").append(i);
            if (!node.getName().isEmpty()) {
                text.append(" '").append(node.getName()).append('\'');
            }
            text.append(" (").append(node.getOpType()).append(')');
        }
        return text.toString();
    }

    static String capitalize(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
