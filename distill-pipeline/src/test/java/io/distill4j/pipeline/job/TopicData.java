package io.distill4j.pipeline.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small banking-topics data set for distillation tests, written as CSV with RFC 4180 quoting: each
 * row combines an opening, a topic phrase and a closing, so texts vary in length and wording while
 * the topic decides the label. Seeded: the same call writes the same file.
 */
final class TopicData {

    static final String[][] TOPICS = {
        {"card", "my card was declined", "the card machine rejected my card", "my debit card stopped working",
            "I need a replacement card", "my card is blocked", "the card PIN does not work"},
        {"transfer", "my transfer has not arrived", "the bank transfer is still pending",
            "I sent money to a friend and it is missing", "how long does a transfer take",
            "I want to cancel a transfer", "the payment to my landlord did not go through"},
        {"exchange", "what exchange rate do you use", "I want to convert euros to pounds",
            "is there a fee for currency exchange", "can I swap yen for dollars", "the exchange rate looks wrong",
            "which currencies can I hold"},
    };

    private static final String[] OPENINGS = {"", "Hello,", "Hi there,", "Please help:", "Quick question:",
        "Good morning,", "Sorry to bother you, but"};

    private static final String[] CLOSINGS = {"", "Thanks.", "What should I do?", "Can you check?",
        "This is urgent.", "Any idea why?", "Thank you so much!"};

    private TopicData() {
    }

    /** Writes {@code perTopic} rows per topic with a header {@code text,label}. */
    static Path write(Path file, int perTopic, long seed) throws IOException {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        lines.add("text,label");
        for (int i = 0; i < perTopic; i++) {
            for (String[] topic : TOPICS) {
                lines.add(quoted(text(topic, random)) + "," + topic[0]);
            }
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
        return file;
    }

    /**
     * Writes {@code count} scored text pairs with a header {@code text,pair,score}, STS-B style: two texts
     * of the same topic score 4 to 5, of different topics 0 to 1.
     */
    static Path writePairs(Path file, int count, long seed) throws IOException {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        lines.add("text,pair,score");
        for (int i = 0; i < count; i++) {
            int first = random.nextInt(TOPICS.length);
            int second = random.nextBoolean() ? first : random.nextInt(TOPICS.length);
            double score = first == second ? 4 + random.nextDouble() : random.nextDouble();
            lines.add(quoted(text(TOPICS[first], random)) + "," + quoted(text(TOPICS[second], random)) + ","
                    + String.format(java.util.Locale.ROOT, "%.2f", score));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
        return file;
    }

    /**
     * Writes {@code perTopic} rows per topic as a plain tab-separated export with a header {@code
     * text<TAB>label} and no quoting, as {@code write.table(quote = FALSE)} writes it: every third text
     * starts with a product name in double quotes, and every fifth has an opening quote it never closes.
     */
    static Path writePlainTsv(Path file, int perTopic, long seed) throws IOException {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        lines.add("text\tlabel");
        int row = 0;
        for (int i = 0; i < perTopic; i++) {
            for (String[] topic : TOPICS) {
                String text = text(topic, random);
                if (row % 3 == 0) {
                    text = "\"Acme Bank\" " + text;
                }
                else if (row % 5 == 0) {
                    text = text + " they said \"soon";
                }
                lines.add(text + "\t" + topic[0]);
                row++;
            }
        }
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
        return file;
    }

    private static String text(String[] topic, Random random) {
        String phrase = topic[1 + random.nextInt(topic.length - 1)];
        return (OPENINGS[random.nextInt(OPENINGS.length)] + " " + phrase + ", "
                + CLOSINGS[random.nextInt(CLOSINGS.length)]).trim();
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }
}
