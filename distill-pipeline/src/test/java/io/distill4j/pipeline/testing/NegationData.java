package io.distill4j.pipeline.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.distill4j.pipeline.data.TextExample;

/**
 * Short real-English reviews whose label hangs on a negation ("I liked the film" / "I did not like the
 * film"), with one label in {@value #FLIPPED_SHARE_PERCENT} % flipped at random, as when annotators disagree:
 * no teacher can be near perfect on it, so a head on frozen all-MiniLM-L6-v2 stays below the accuracy at
 * which an encoder teacher with the AUTO fine-tuning policy keeps it without a probe. Seeded: the same
 * call gives the same rows.
 */
public final class NegationData {

    private static final String[] SUBJECTS = {"the film", "the hotel", "the meal", "the book", "the service",
        "the phone", "the concert", "the staff", "the room", "the game", "the coffee", "the app"};

    private static final String[] POSITIVE = {"liked", "enjoyed", "loved", "recommend", "would buy again"};

    private static final String[] NEGATED = {"did not like", "did not enjoy", "never loved", "do not recommend",
        "would not buy again"};

    private static final String[] OPENINGS = {"", "Honestly,", "Overall", "To be fair,", "Sadly", "Well,"};

    /** The share of labels flipped, in percent. */
    static final int FLIPPED_SHARE_PERCENT = 20;

    private NegationData() {
    }

    /** {@code count} rows {@code {text, label}}, of positive and negated reviews alternating. */
    public static List<String[]> rows(int count, long seed) {
        Random random = new Random(seed);
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean positive = i % 2 == 0;
            String verb = (positive ? POSITIVE : NEGATED)[random.nextInt(POSITIVE.length)];
            String opening = OPENINGS[random.nextInt(OPENINGS.length)];
            String text = (opening.isEmpty() ? "" : opening + " ") + "I " + verb + " "
                    + SUBJECTS[random.nextInt(SUBJECTS.length)] + ".";
            boolean flipped = random.nextInt(100) < FLIPPED_SHARE_PERCENT;
            rows.add(new String[] {text, positive != flipped ? "pos" : "neg"});
        }
        return rows;
    }

    /** The rows as labelled examples, lines numbered from 2 as under a header. */
    public static List<TextExample> examples(int count, long seed) {
        List<TextExample> examples = new ArrayList<>();
        List<String[]> rows = rows(count, seed);
        for (int i = 0; i < rows.size(); i++) {
            examples.add(TextExample.labeled(rows.get(i)[0], rows.get(i)[1], i + 2));
        }
        return examples;
    }

    /** Writes the rows as CSV with a header {@code text,label}. */
    public static Path write(Path file, int count, long seed) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("text,label");
        for (String[] row : rows(count, seed)) {
            lines.add("\"" + row[0].replace("\"", "\"\"") + "\"," + row[1]);
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
        return file;
    }
}
