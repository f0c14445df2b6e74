package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.distill4j.engine.files.AtomicFiles;
import io.distill4j.pipeline.data.DatasetReader;
import io.distill4j.pipeline.data.TextExample;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Files the distiller benchmarks derive from the real data sets: a seeded sample of SST-2's training
 * split, and the unlabelled transfer text of the STS-B embedding distillation. Each is written once into
 * the work directory and reused while its inputs stay the same (the name carries the sample size).
 */
final class BenchmarkData {

    private static final long SEED = 42;

    private BenchmarkData() {
    }

    /** {@code rows} training rows of SST-2 drawn at random (seeded), as a TSV with a {@code text,label} header. */
    static Path sst2Train(Path datasets, Path work, int rows) {
        Path out = work.resolve("sst2-train-" + rows + ".tsv");
        if (Files.isRegularFile(out)) {
            return out;
        }
        List<TextExample> examples = new ArrayList<>(read(datasets.resolve("sst2/train.tsv")));
        Collections.shuffle(examples, new Random(SEED));
        List<TextExample> sample = examples.subList(0, Math.min(rows, examples.size()));
        write(out, CSVFormat.TDF.builder().setHeader("text", "label").get(), printer -> {
            for (TextExample example : sample) {
                printer.printRecord(example.text(), example.label().orElseThrow());
            }
        });
        return out;
    }

    /**
     * The transfer text of the STS-B distillation as a headerless CSV in STS-B's own columns (text, pair,
     * score): every STS-B train pair as it is, then the Banking77 train texts and {@code sst2Sentences}
     * seeded SST-2 train sentences as single texts. The STS-B dev and test pairs are not in it.
     */
    static Path stsbTransfer(Path datasets, Path work, int sst2Sentences) {
        Path out = work.resolve("stsb-transfer-" + sst2Sentences + ".csv");
        if (Files.isRegularFile(out)) {
            return out;
        }
        List<TextExample> sst2 = new ArrayList<>(read(datasets.resolve("sst2/train.tsv")));
        Collections.shuffle(sst2, new Random(SEED));
        List<TextExample> pairs = DatasetReader.builder().columns(io.distill4j.pipeline.data.ColumnMapping.builder()
                .header(false).text(0).textPair(1).label(2).build()).build()
                .read(datasets.resolve("stsb/stsb-en-train.csv")).examples();
        write(out, CSVFormat.DEFAULT, printer -> {
            for (TextExample pair : pairs) {
                printer.printRecord(pair.text(), pair.textPair().orElseThrow(), pair.label().orElseThrow());
            }
            for (TextExample example : read(datasets.resolve("banking77/train.tsv"))) {
                printer.printRecord(example.text());
            }
            for (TextExample example : sst2.subList(0, Math.min(sst2Sentences, sst2.size()))) {
                printer.printRecord(example.text());
            }
        });
        return out;
    }

    private static List<TextExample> read(Path file) {
        return DatasetReader.builder().build().read(file).examples();
    }

    private static void write(Path out, CSVFormat format, Rows rows) {
        try {
            Files.createDirectories(out.getParent());
            AtomicFiles.write(out, stream -> {
                try (Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
                        CSVPrinter printer = new CSVPrinter(writer, format)) {
                    rows.print(printer);
                }
            });
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @FunctionalInterface
    private interface Rows {

        void print(CSVPrinter printer) throws IOException;
    }
}
