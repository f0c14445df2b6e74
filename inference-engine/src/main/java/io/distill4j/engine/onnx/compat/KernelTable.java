package io.distill4j.engine.onnx.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.distill4j.engine.session.ExecutionProvider;

/**
 * The operator kernels one ONNX Runtime execution provider has: which operator of which domain, for
 * which operator set versions, with which element types. The data comes from ONNX Runtime's published
 * operator-kernel list ({@code docs/OperatorKernels.md} of the ONNX Runtime version in the build),
 * transcribed into one resource file per provider next to this class, {@code ort-kernels-cpu.tsv} and
 * {@code ort-kernels-cuda.tsv}; the header comments of each file cite the source and its version.
 *
 * <p>File format, one kernel per line, UTF-8. Lines starting with {@code #} and blank lines are
 * ignored; every other line has exactly seven TAB-separated columns:
 * <ol>
 * <li>domain: {@code ai.onnx} (stored as the default domain {@code ""}), {@code ai.onnx.ml},
 * {@code com.microsoft} …;
 * <li>operator type, for example {@code MatMulInteger};
 * <li>since: the first operator set version the kernel serves;
 * <li>until: the last one, empty when the kernel serves every later version;
 * <li>inputs: {@code name:CONSTRAINT,...} from the operator's first signature, where CONSTRAINT is a
 * type constraint name ({@code T1}) or a literal type ({@code int64}); may be empty;
 * <li>outputs: the same for the outputs;
 * <li>types: the types each constraint accepts, {@code T1=int8,uint8;T2=int32}, with
 * {@code tensor(x)} written {@code x} and sequences as {@code seq(x)}; may be empty.
 * </ol>
 * Parsing is strict: a malformed line fails with an {@link IllegalArgumentException} naming the file,
 * the line number and what is wrong, so a transcription error is caught by the build rather than
 * silently weakening the check.
 *
 * <p>{@link #of(ExecutionProvider)} parses a provider's file once, on first use, and keeps it for the
 * life of the class loader (a broken file fails every call with the same {@link IllegalStateException}
 * rather than once with an {@link ExceptionInInitializerError}). Tables are immutable and thread-safe.
 */
public final class KernelTable {

    /** A kernel's {@link Kernel#until()} when it serves every operator set version from its since-version on. */
    public static final int OPEN_ENDED = Integer.MAX_VALUE;

    private static final Map<ExecutionProvider, KernelTable> LOADED = new ConcurrentHashMap<>();

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]+");

    private final String source;

    /** Kernels by domain, then operator type, in file order. */
    private final Map<String, Map<String, List<Kernel>>> kernels;

    private final int size;

    private KernelTable(String source, Map<String, Map<String, List<Kernel>>> kernels, int size) {
        this.source = source;
        this.kernels = kernels;
        this.size = size;
    }

    /**
     * The kernel table of {@code provider}, parsed from its resource file on first use.
     *
     * @throws IllegalStateException if the resource is missing or malformed, which means a broken build
     */
    public static KernelTable of(ExecutionProvider provider) {
        Objects.requireNonNull(provider, "provider");
        return LOADED.computeIfAbsent(provider, KernelTable::load);
    }

    /** The name of {@code provider}'s resource file, for example {@code ort-kernels-cpu.tsv}. */
    public static String resourceName(ExecutionProvider provider) {
        return "ort-kernels-" + provider.name().toLowerCase(Locale.ROOT) + ".tsv";
    }

    private static KernelTable load(ExecutionProvider provider) {
        String name = resourceName(provider);
        try (InputStream in = KernelTable.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("The kernel table " + name + " of " + provider
                        + " is not on the class path next to " + KernelTable.class.getName());
            }
            return parse(name, new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        }
        catch (IOException | UncheckedIOException ex) {
            throw new IllegalStateException("Cannot read the kernel table " + name + ": " + ex.getMessage(), ex);
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
    }

    /**
     * Parses the lines of a kernel table in the format described above.
     *
     * @param source how messages name the file
     * @throws IllegalArgumentException naming the first malformed line
     */
    public static KernelTable parse(String source, List<String> lines) {
        Objects.requireNonNull(source, "source");
        Map<String, Map<String, List<Kernel>>> byDomain = new TreeMap<>();
        int size = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Kernel kernel;
            try {
                kernel = parseLine(line);
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": " + ex.getMessage() + ": '"
                        + abbreviate(line.replace('\t', '→')) + "'", ex);
            }
            byDomain.computeIfAbsent(kernel.domain(), d -> new TreeMap<>())
                    .computeIfAbsent(kernel.opType(), t -> new ArrayList<>())
                    .add(kernel);
            size++;
        }
        if (size == 0) {
            throw new IllegalArgumentException(source + " has no kernel lines");
        }
        byDomain.replaceAll((domain, byType) -> {
            byType.replaceAll((type, list) -> List.copyOf(list));
            return Collections.unmodifiableMap(byType);
        });
        return new KernelTable(source, Collections.unmodifiableMap(byDomain), size);
    }

    private static Kernel parseLine(String line) {
        String[] columns = line.split("\t", -1);
        if (columns.length != 7) {
            throw new IllegalArgumentException("expected 7 tab-separated columns, found " + columns.length);
        }
        String domain = columns[0].strip();
        String opType = columns[1].strip();
        if (!NAME.matcher(domain).matches()) {
            throw new IllegalArgumentException("domain '" + domain + "' is empty or not a domain name");
        }
        if (!NAME.matcher(opType).matches()) {
            throw new IllegalArgumentException("operator '" + opType + "' is empty or not an operator name");
        }
        int since = version(columns[2], "since");
        int until = columns[3].isBlank() ? OPEN_ENDED : version(columns[3], "until");
        if (until < since) {
            throw new IllegalArgumentException("until " + until + " is before since " + since);
        }
        Map<String, Set<String>> types = types(columns[6]);
        return new Kernel(domain, opType, since, until, formals(columns[4], "inputs"), formals(columns[5], "outputs"),
                types);
    }

    private static int version(String text, String column) {
        String value = text.strip();
        try {
            int version = Integer.parseInt(value);
            if (version >= 1) {
                return version;
            }
        }
        catch (NumberFormatException ex) {
            // reported below
        }
        throw new IllegalArgumentException(column + " '" + value + "' is not a positive integer");
    }

    private static List<Formal> formals(String text, String column) {
        if (text.isBlank()) {
            return List.of();
        }
        List<Formal> formals = new ArrayList<>();
        for (String entry : splitTopLevel(text, ',', column)) {
            int colon = entry.indexOf(':');
            String name = colon < 0 ? "" : entry.substring(0, colon).strip();
            String constraint = colon < 0 ? "" : entry.substring(colon + 1).strip();
            if (name.isEmpty() || constraint.isEmpty()) {
                throw new IllegalArgumentException(column + " entry '" + entry + "' is not name:CONSTRAINT");
            }
            formals.add(new Formal(name, constraint));
        }
        return formals;
    }

    private static Map<String, Set<String>> types(String text) {
        Map<String, Set<String>> types = new LinkedHashMap<>();
        if (text.isBlank()) {
            return types;
        }
        for (String entry : splitTopLevel(text, ';', "types")) {
            int equals = entry.indexOf('=');
            String name = equals < 0 ? "" : entry.substring(0, equals).strip();
            if (name.isEmpty() || equals == entry.length() - 1) {
                throw new IllegalArgumentException("types entry '" + entry + "' is not NAME=type,type,...");
            }
            Set<String> allowed = new LinkedHashSet<>();
            for (String type : splitTopLevel(entry.substring(equals + 1), ',', "types")) {
                if (type.isEmpty()) {
                    throw new IllegalArgumentException("types entry '" + entry + "' has an empty type");
                }
                allowed.add(type);
            }
            if (types.putIfAbsent(name, Collections.unmodifiableSet(allowed)) != null) {
                throw new IllegalArgumentException("type constraint " + name + " is listed twice");
            }
        }
        return types;
    }

    /** Splits at {@code separator} outside parentheses, so that {@code seq(map(int64,float))} stays whole. */
    private static List<String> splitTopLevel(String text, char separator, String column) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            }
            else if (c == ')' && --depth < 0) {
                break;
            }
            else if (c == separator && depth == 0) {
                parts.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException(column + " '" + text + "' has unbalanced parentheses");
        }
        parts.add(text.substring(start).strip());
        return parts;
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }

    /** How messages name the file this table was parsed from. */
    public String source() {
        return this.source;
    }

    /** The number of kernel lines. */
    public int size() {
        return this.size;
    }

    /**
     * The kernels of {@code opType} in {@code domain} ({@code ""} or {@code ai.onnx} for the default)
     * that serve operator set version {@code opsetVersion}, that is whose [since, until] contains it;
     * usually one, empty if there is none.
     */
    public List<Kernel> lookup(String domain, String opType, long opsetVersion) {
        return kernels(domain, opType).stream().filter(k -> k.serves(opsetVersion)).toList();
    }

    /** Every kernel of {@code opType} in {@code domain}, whatever its versions; empty if there is none. */
    public List<Kernel> kernels(String domain, String opType) {
        return this.kernels.getOrDefault(ModelInventory.normalizeDomain(domain), Map.of()).getOrDefault(opType,
                List.of());
    }

    /** Whether the table has any kernel of {@code domain}. */
    public boolean hasDomain(String domain) {
        return this.kernels.containsKey(ModelInventory.normalizeDomain(domain));
    }

    /** The highest since-version among the kernels of {@code domain}, 0 if the table has none. */
    public int highestSinceVersion(String domain) {
        return this.kernels.getOrDefault(ModelInventory.normalizeDomain(domain), Map.of()).values().stream()
                .flatMap(List::stream)
                .mapToInt(Kernel::since)
                .max()
                .orElse(0);
    }

    @Override
    public String toString() {
        return "KernelTable[" + this.source + ", " + this.size + " kernels]";
    }

    /**
     * One formal input or output of a kernel's first signature.
     *
     * @param name the parameter's name in the operator schema, for example {@code a_zero_point}
     * @param constraint a type constraint name ({@code T1}) or a literal type ({@code int64})
     */
    public record Formal(String name, String constraint) {

        public Formal {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(constraint, "constraint");
        }
    }

    /**
     * One kernel: an operator of a domain, for a range of operator set versions, with the element types
     * it accepts.
     *
     * @param domain the operator's domain, {@code ""} for the default domain
     * @param opType the operator type
     * @param since the first operator set version the kernel serves
     * @param until the last, {@link #OPEN_ENDED} if there is none
     * @param inputs the formal inputs of the operator's first signature
     * @param outputs the formal outputs of that signature
     * @param typeConstraints the types each constraint accepts ({@code tensor(x)} written {@code x})
     */
    public record Kernel(String domain, String opType, int since, int until, List<Formal> inputs,
            List<Formal> outputs, Map<String, Set<String>> typeConstraints) {

        public Kernel {
            domain = ModelInventory.normalizeDomain(Objects.requireNonNull(domain, "domain"));
            Objects.requireNonNull(opType, "opType");
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            typeConstraints = Collections.unmodifiableMap(new LinkedHashMap<>(typeConstraints));
        }

        /** Whether the kernel serves operator set version {@code opsetVersion}. */
        public boolean serves(long opsetVersion) {
            return opsetVersion >= this.since && opsetVersion <= this.until;
        }

        /** The versions served, as ONNX Runtime writes them: {@code 13+}, {@code [6, 12]} or {@code 13}. */
        public String versions() {
            if (this.until == OPEN_ENDED) {
                return this.since + "+";
            }
            return this.since == this.until ? Integer.toString(this.since) : "[" + this.since + ", " + this.until + "]";
        }

        /**
         * Whether the signature and the type constraints belong together: every constraint listed in
         * {@link #typeConstraints()} is used by a formal input or output (or is a formal's own name, as
         * ONNX Runtime writes some literal types). ONNX Runtime's list shows an operator's first
         * signature, which for some kernels is that of another version than the one the types belong
         * to ({@code QuantizeLinear} 23+, {@code DequantizeLinear} 19+, {@code Identity} 14+,
         * {@code Resize} …); for those the table cannot say which type goes with which input.
         */
        public boolean signatureMatchesTypes() {
            for (String constraint : this.typeConstraints.keySet()) {
                boolean used = Stream.concat(this.inputs.stream(), this.outputs.stream())
                        .anyMatch(f -> f.constraint().equals(constraint) || f.name().equals(constraint));
                if (!used) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The types the kernel accepts for input {@code index}; empty when the table does not say (no
         * such formal input, a constraint the table gives no types for, or a signature that does not
         * {@linkplain #signatureMatchesTypes() match the types}), in which case any type is taken to be
         * accepted.
         */
        public Optional<Set<String>> inputTypes(int index) {
            return index >= 0 && index < this.inputs.size() ? typesOf(this.inputs.get(index).constraint())
                    : Optional.empty();
        }

        /** The types the kernel can produce for output {@code index}, as for {@link #inputTypes(int)}. */
        public Optional<Set<String>> outputTypes(int index) {
            return index >= 0 && index < this.outputs.size() ? typesOf(this.outputs.get(index).constraint())
                    : Optional.empty();
        }

        /**
         * The types a constraint stands for: the constraint's entry in {@link #typeConstraints()}, or the
         * literal type itself when it starts with a lower-case letter ({@code int64},
         * {@code seq(float)}); empty for a constraint name the table gives no types for, and for every
         * constraint when the signature does not {@linkplain #signatureMatchesTypes() match the types}.
         */
        public Optional<Set<String>> typesOf(String constraint) {
            if (!signatureMatchesTypes()) {
                return Optional.empty();
            }
            Set<String> listed = this.typeConstraints.get(constraint);
            if (listed != null) {
                return Optional.of(listed);
            }
            if (!constraint.isEmpty() && Character.isLowerCase(constraint.charAt(0))) {
                return Optional.of(Set.of(constraint));
            }
            return Optional.empty();
        }

        /** Whether input {@code index} accepts {@code type}; true when the table does not constrain it. */
        public boolean acceptsInput(int index, String type) {
            return inputTypes(index).map(types -> types.contains(type)).orElse(true);
        }

        /** {@code ai.onnx MatMul 13+}: how messages name a kernel. */
        @Override
        public String toString() {
            return (this.domain.isEmpty() ? "ai.onnx" : this.domain) + " " + this.opType + " " + versions();
        }
    }
}
