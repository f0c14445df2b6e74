package io.distill4j.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A split of STS-B English: the test split, 1,379 sentence pairs with a similarity score from 0 to 5, or
 * the train split (5,749 pairs), whose sentences calibrate without touching the test data.
 *
 * <p>The file is CSV without a header, {@code sentence1,sentence2,score}, quoted where a sentence
 * holds a comma or a quote (RFC 4180), so it is read with Commons CSV rather than split on commas.
 *
 * @param source the file read
 * @param pairs the pairs in file order
 */
record StsbData(Path source, List<Pair> pairs) {

    /** The file name of the test split inside an STS-B folder. */
    static final String TEST_FILE = "stsb-en-test.csv";

    /** One scored pair. */
    record Pair(String sentence1, String sentence2, double score) {
    }

    /** The file name of the train split inside an STS-B folder. */
    static final String TRAIN_FILE = "stsb-en-train.csv";

    /**
     * Reads the test split.
     * @param path the STS-B folder (holding {@value #TEST_FILE}) or the CSV file itself
     */
    static StsbData readTest(Path path) {
        return read(Files.isDirectory(path) ? path.resolve(TEST_FILE) : path, "test");
    }

    /**
     * Reads the train split.
     * @param path the STS-B folder (holding {@value #TRAIN_FILE}), or any file in it such as the test CSV
     */
    static StsbData readTrain(Path path) {
        return read(Files.isDirectory(path) ? path.resolve(TRAIN_FILE) : path.resolveSibling(TRAIN_FILE), "train");
    }

    private static StsbData read(Path file, String split) {
        if (!Files.isRegularFile(file)) {
            throw new BenchmarkException("STS-B " + split + " file not found: " + file.toAbsolutePath()
                    + " (pass --stsb with the folder holding " + (split.equals("test") ? TEST_FILE : TRAIN_FILE)
                    + ")");
        }
        List<Pair> pairs = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVFormat.DEFAULT.parse(reader)) {
            for (CSVRecord row : parser) {
                if (row.size() != 3) {
                    throw new BenchmarkException(file + " line " + parser.getCurrentLineNumber()
                            + ": expected sentence1,sentence2,score but found " + row.size() + " fields");
                }
                pairs.add(new Pair(row.get(0), row.get(1), parseScore(file, row)));
            }
        }
        catch (IOException ex) {
            throw new BenchmarkException("Cannot read " + file, ex);
        }
        if (pairs.isEmpty()) {
            throw new BenchmarkException(file + " holds no pairs");
        }
        return new StsbData(file, List.copyOf(pairs));
    }

    /** Every sentence once, in order of first appearance (sentence1, sentence2, next pair, ...). */
    List<String> distinctSentences() {
        Set<String> sentences = new LinkedHashSet<>();
        for (Pair pair : this.pairs) {
            sentences.add(pair.sentence1());
            sentences.add(pair.sentence2());
        }
        return List.copyOf(sentences);
    }

    private static double parseScore(Path file, CSVRecord row) {
        try {
            return Double.parseDouble(row.get(2).trim());
        }
        catch (NumberFormatException ex) {
            throw new BenchmarkException(file + " record " + row.getRecordNumber() + ": score is not a number: "
                    + row.get(2), ex);
        }
    }
}
