package io.distill4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.spark.sql.SparkSession;

/** A local Spark, the registry's all-MiniLM-L6-v2 as a model version folder, and texts to run. */
final class SparkTestSupport {

    static final String[][] TOPICS = {
        {"card", "my card was declined", "the card does not work at the shop", "I lost my debit card",
            "card payment failed", "my new card has not arrived"},
        {"transfer", "the transfer did not arrive", "how long does a bank transfer take", "I sent money to the "
            + "wrong account", "my transfer is pending", "cancel a transfer I made"},
        {"exchange", "what exchange rate do you use", "why was I charged a fee for currency", "convert euros to "
            + "dollars", "the exchange rate looks wrong", "fees on foreign currency payments"},
    };

    private static final String[] OPENINGS = {"", "Hello, ", "Hi there, ", "Please help: ", "Quick question: "};

    private static final String[] CLOSINGS = {"", " Thanks.", " What should I do?", " Can you check?", " Urgent!"};

    private SparkTestSupport() {
    }

    /**
     * A local session with {@code cores} task slots, {@code maxFailures} attempts per task (Spark's
     * {@code local[N,F]}) and Distill4j's executor plugin.
     */
    static SparkSession spark(int cores, int maxFailures) {
        return SparkSession.builder().master("local[" + cores + "," + maxFailures + "]").appName("distill4j-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.plugins", Distill4jSparkPlugin.class.getName())
                .getOrCreate();
    }

    /** all-MiniLM-L6-v2 laid out as a text-embedding model version (mean pooling, normalized, 128 tokens). */
    static Path miniLm(Path dir) {
        try {
            Path version = Files.createDirectories(dir.resolve("models/minilm/1"));
            copyResource("all-minilm-l6-v2.onnx", version.resolve("model.onnx"));
            copyResource("all-minilm-l6-v2-tokenizer.json", version.resolve("tokenizer.json"));
            Files.writeString(version.resolve("model.json"), """
                    {"task": "text-embedding", "tokenizer": "tokenizer.json", "maxSequenceLength": 128,
                     "pooling": "mean", "normalize": true}
                    """);
            return version;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The registry jar's MiniLM tokenizer, copied to {@code target}. */
    static Path miniLmTokenizer(Path target) throws IOException {
        copyResource("all-minilm-l6-v2-tokenizer.json", target);
        return target;
    }

    /** {@code count} support-question texts of the three topics, each with its topic: {text, label}. */
    static List<String[]> questions(int count, long seed) {
        Random random = new Random(seed);
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String[] topic = TOPICS[i % TOPICS.length];
            String text = OPENINGS[random.nextInt(OPENINGS.length)] + topic[1 + random.nextInt(topic.length - 1)]
                    + CLOSINGS[random.nextInt(CLOSINGS.length)] + " (ref " + random.nextInt(1000) + ")";
            rows.add(new String[] {text, topic[0]});
        }
        return rows;
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = SparkTestSupport.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the test class path");
            }
            Files.copy(in, target);
        }
    }
}
