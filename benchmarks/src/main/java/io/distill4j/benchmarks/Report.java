package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The benchmark's output: markdown sections printed to the console as they complete and kept in a file
 * (rewritten after each section, so an interrupted run keeps what it measured), plus a CSV with one line
 * per timed run beside it for anyone who wants to plot or re-aggregate.
 */
final class Report {

    private static final String CSV_HEADER =
            "scenario,round,system,callers,calls,elapsed_s,sentences_per_s,p50_ms,p90_ms,p99_ms";

    private final Path markdownFile;

    private final Path csvFile;

    private final PrintStream console;

    private final StringBuilder markdown = new StringBuilder();

    private final StringBuilder csv;

    /** @param markdownFile where the report goes; {@code runs.csv} is written in the same folder */
    Report(Path markdownFile, PrintStream console) {
        this(markdownFile, "runs.csv", console);
    }

    /**
     * @param markdownFile where the report goes
     * @param csvFileName the name of the CSV of timed runs, written in the same folder
     */
    Report(Path markdownFile, String csvFileName, PrintStream console) {
        this(markdownFile, csvFileName, CSV_HEADER, console);
    }

    /**
     * A report whose CSV has other columns than the timed runs of {@link #run}; its lines are written with
     * {@link #row}.
     * @param markdownFile where the report goes
     * @param csvFileName the name of the CSV, written in the same folder
     * @param csvHeader the CSV's first line, comma-separated column names
     */
    Report(Path markdownFile, String csvFileName, String csvHeader, PrintStream console) {
        this.markdownFile = markdownFile.toAbsolutePath();
        this.csvFile = this.markdownFile.resolveSibling(csvFileName);
        this.console = console;
        this.csv = new StringBuilder(csvHeader).append('\n');
    }

    Path markdownFile() {
        return this.markdownFile;
    }

    Path csvFile() {
        return this.csvFile;
    }

    /** Appends a markdown section, prints it and saves both files. */
    void section(String text) {
        String block = text.endsWith("\n") ? text : text + "\n";
        this.markdown.append(block).append('\n');
        this.console.println(block);
        this.console.flush();
        save();
    }

    /** Records one timed run in the CSV. */
    void run(String scenario, int round, RunResult result) {
        this.csv.append(String.join(",", scenario, Integer.toString(round), result.system(),
                Integer.toString(result.callers()), Long.toString(result.calls()),
                format(result.elapsedNanos() / 1e9, 3), format(result.throughput(), 1),
                format(result.latencyMillis(0.50), 3), format(result.latencyMillis(0.90), 3),
                format(result.latencyMillis(0.99), 3))).append('\n');
    }

    /**
     * Records one line in the CSV, kept with the next section; cells must not hold commas, quotes or line breaks.
     * @throws IllegalArgumentException for a cell that does
     */
    void row(List<String> cells) {
        for (String cell : cells) {
            if (cell.contains(",") || cell.contains("\"") || cell.contains("\n")) {
                throw new IllegalArgumentException("a CSV cell cannot hold a comma, quote or line break: " + cell);
            }
        }
        this.csv.append(String.join(",", cells)).append('\n');
    }

    /** Prints progress to the console only. */
    void log(String line) {
        this.console.println("[bench] " + line);
        this.console.flush();
    }

    private void save() {
        try {
            Files.createDirectories(this.markdownFile.getParent());
            Files.writeString(this.markdownFile, this.markdown, StandardCharsets.UTF_8);
            Files.writeString(this.csvFile, this.csv, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot write the report to " + this.markdownFile, ex);
        }
    }

    /** A markdown table; every row must have as many cells as the header. */
    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            out.append("---|");
        }
        out.append('\n');
        for (List<String> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("row " + row + " does not match header " + header);
            }
            out.append("| ").append(String.join(" | ", row.stream().map(Report::escape).toList())).append(" |\n");
        }
        return out.toString();
    }

    /** A number with a fixed count of decimals, "n/a" for NaN. */
    static String format(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** The machine, as a reader of the figures needs to know it. */
    static String machine() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        StringBuilder out = new StringBuilder();
        out.append(Runtime.getRuntime().availableProcessors()).append(" cores");
        cpuModel().ifPresent(model -> out.append(" (").append(model).append(')'));
        out.append(", ").append(os.getName()).append(' ').append(os.getVersion()).append(' ').append(os.getArch());
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            out.append(", ").append(format(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024), 1)).append(" GiB RAM");
        }
        return out.toString();
    }

    /** The system's one-minute load average, a hint of how busy a shared machine was. */
    static String loadAverage() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : format(load, 2);
    }

    /** The JVM and its heap limit. */
    static String jdk() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + "), max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB";
    }

    private static Optional<String> cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst();
        }
        catch (IOException | RuntimeException ex) {
            return Optional.empty();
        }
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|").replace("\n", " ");
    }
}
