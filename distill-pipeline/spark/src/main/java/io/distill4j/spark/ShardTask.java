package io.distill4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.distill4j.api.TaskType;
import io.distill4j.pipeline.cache.TeacherOutputsFormat;
import io.distill4j.pipeline.cache.TeacherOutputsManifest;
import io.distill4j.pipeline.cache.TeacherOutputsShardWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * One partition of the teacher pass: its texts arrive sorted by key (and so grouped: a text repeated in the
 * input arrives as neighbours and runs once), go through the executor's engine {@code chunk} at a time —
 * shortest first within a chunk, so a batch carries little padding — and are written as the partition's shard.
 * The shard is written under {@code _temporary/} with the task attempt's id and renamed into place when
 * complete, so a failed or retried attempt never leaves a partial or second copy: the shard of a partition is
 * the complete output of exactly one attempt, and every attempt writes the same rows.
 *
 * @param model the teacher as the executors get it
 * @param task what the teacher outputs: logits or pooled vectors
 * @param output the folder (any Hadoop file system)
 * @param hadoopConf the driver's Hadoop settings, to reach {@code output} from an executor
 * @param shards the shard count (= partitions)
 * @param chunk distinct texts per engine call
 * @param failure a fault to inject, for tests of the retry: {@code <partition>:<rows>} fails the first attempt
 *     of that partition after that many rows; empty for none
 */
record ShardTask(SparkModel model, TaskType task, String output, Map<String, String> hadoopConf, int shards, int chunk,
        String failure) implements Function2<Integer, Iterator<Tuple2<String, String>>, Iterator<ShardTask.Written>>,
        Serializable {

    private static final long serialVersionUID = 1L;

    private static final Logger logger = LoggerFactory.getLogger(ShardTask.class);

    /** Where temporary shards go, inside the output folder. */
    static final String TEMPORARY = "_temporary";

    /**
     * What one partition wrote.
     *
     * @param shard its manifest entry; {@code null} when the partition had no text (the driver writes an empty
     *     shard once it knows the width)
     * @param width values per row, or 0 with no text
     */
    record Written(int index, TeacherOutputsManifest.Shard shard, int width) implements Serializable {

        private static final long serialVersionUID = 1L;
    }

    @Override
    public Iterator<Written> call(Integer partition, Iterator<Tuple2<String, String>> rows) throws IOException {
        if (!rows.hasNext()) {
            return List.of(new Written(partition, null, 0)).iterator();
        }
        TaskContext context = TaskContext.get();
        long started = System.nanoTime();
        ExecutorEngines.Lease lease = ExecutorEngines.acquire(this.model);
        context.addTaskCompletionListener((TaskCompletionListener) ended -> lease.close());
        FileSystem fs = fileSystem();
        String name = TeacherOutputsFormat.shardFileName(partition);
        Path temporary = new Path(new Path(this.output, TEMPORARY), name + ".attempt-" + context.taskAttemptId());
        Path target = new Path(this.output, name);
        long texts = 0;
        TeacherOutputsManifest.Shard shard;
        Chunk pending = new Chunk();
        int failAfter = failAfterRows(partition, context);
        TeacherOutputsShardWriter writer = null;
        try (FSDataOutputStream out = fs.create(temporary, true)) {
            String previousKey = null;
            while (rows.hasNext()) {
                Tuple2<String, String> row = rows.next();
                texts++;
                if (row._1().equals(previousKey)) {
                    continue;
                }
                previousKey = row._1();
                pending.add(row._1(), row._2());
                if (pending.size() == this.chunk) {
                    writer = flush(pending, lease, out, partition, writer);
                    if (failAfter >= 0 && writer.rows() >= failAfter) {
                        throw new IllegalStateException("distill4j: failure injected into partition " + partition
                                + " after " + writer.rows() + " rows (spark.distill4j.faults.failFirstAttempt)");
                    }
                }
            }
            writer = flush(pending, lease, out, partition, writer);
            shard = writer.finish();
        }
        catch (IOException | RuntimeException ex) {
            fs.delete(temporary, false);
            throw ex;
        }
        fs.delete(target, false);
        if (!fs.rename(temporary, target)) {
            throw new IOException("Cannot rename " + temporary + " to " + target);
        }
        logger.info("distill4j: shard {} of {}: {} texts ({} distinct) in {} ms", partition, this.shards, texts,
                shard.rows(), (System.nanoTime() - started) / 1_000_000);
        return List.of(new Written(partition, shard, writer.width())).iterator();
    }

    /** Runs the chunk's texts (shortest first) and appends them in key order; the writer is made on first use. */
    private TeacherOutputsShardWriter flush(Chunk pending, ExecutorEngines.Lease lease, FSDataOutputStream out,
            int partition, TeacherOutputsShardWriter writer) {
        if (pending.size() == 0) {
            return writer;
        }
        Integer[] order = new Integer[pending.size()];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingInt(i -> pending.texts.get(i).length()));
        List<String> byLength = new ArrayList<>(order.length);
        for (Integer i : order) {
            byLength.add(pending.texts.get(i));
        }
        List<float[]> outputs = lease.call(engine -> this.task == TaskType.TEXT_CLASSIFICATION
                ? engine.logits(this.model.shippedName(), byLength)
                : engine.embed(this.model.shippedName(), byLength));
        float[][] inKeyOrder = new float[order.length][];
        for (int i = 0; i < order.length; i++) {
            inKeyOrder[order[i]] = outputs.get(i);
        }
        TeacherOutputsShardWriter target = writer != null ? writer
                : new TeacherOutputsShardWriter(out, partition, this.shards, inKeyOrder[0].length);
        for (int i = 0; i < inKeyOrder.length; i++) {
            target.append(TeacherOutputsFormat.fromHex(pending.keys.get(i)), inKeyOrder[i]);
        }
        pending.clear();
        return target;
    }

    private int failAfterRows(int partition, TaskContext context) {
        if (this.failure.isEmpty() || context.attemptNumber() > 0) {
            return -1;
        }
        String[] parts = this.failure.split(":");
        return Integer.parseInt(parts[0].trim()) == partition ? Integer.parseInt(parts[1].trim()) : -1;
    }

    private FileSystem fileSystem() {
        Configuration conf = new Configuration(false);
        this.hadoopConf.forEach(conf::set);
        try {
            return new Path(this.output).getFileSystem(conf);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot reach " + this.output + " from this executor", ex);
        }
    }

    /** Distinct texts waiting for the engine, in key order. */
    private static final class Chunk {

        private final List<String> keys = new ArrayList<>();

        private final List<String> texts = new ArrayList<>();

        void add(String key, String text) {
            this.keys.add(key);
            this.texts.add(text);
        }

        int size() {
            return this.keys.size();
        }

        void clear() {
            this.keys.clear();
            this.texts.clear();
        }
    }
}
