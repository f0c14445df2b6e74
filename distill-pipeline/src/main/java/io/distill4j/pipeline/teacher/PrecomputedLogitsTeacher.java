package io.distill4j.pipeline.teacher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.distill4j.api.distill.MemoryMode;
import io.distill4j.api.distill.SoftTargetPrecision;
import io.distill4j.api.distill.TeacherSpec;
import io.distill4j.api.exception.DistillationCancelledException;
import io.distill4j.api.exception.DistillationException;
import io.distill4j.pipeline.cache.CacheKey;
import io.distill4j.pipeline.cache.CacheLookup;
import io.distill4j.pipeline.cache.SoftTargetWriter;
import io.distill4j.pipeline.cache.SoftTargets;
import io.distill4j.pipeline.data.TextDataset;
import io.distill4j.pipeline.data.TextExample;

/**
 * A teacher that ran elsewhere: its outputs come from a JSON Lines file keyed by the data rows' lines
 * (read and checked by {@link LogitsFile}) and go into the soft-target cache like any teacher's, so the
 * student stages do not know the difference. No model is loaded, so there is nothing to release, nothing
 * to measure, and the job is always {@link MemoryMode#STAGED}. Each split's cache key covers the file's
 * bytes, the tokenizer, the label columns and the split's lines and texts; a warm run does not read the
 * file. Augmented texts have no row in the file, so a job with augmentation is refused.
 */
final class PrecomputedLogitsTeacher implements Teacher {

    /** Rows written to the cache per progress report. */
    private static final int CHUNK = 256;

    private final TeacherSpec.PrecomputedLogits spec;

    PrecomputedLogitsTeacher(TeacherSpec.PrecomputedLogits spec) {
        this.spec = spec;
    }

    @Override
    public TeacherOutcome run(TeacherContext context) {
        String jobId = context.jobId();
        if (!Files.isRegularFile(this.spec.file())) {
            throw new DistillationException(jobId, "teacher.file: " + this.spec.file() + " is not a file", null);
        }
        if (!Files.isRegularFile(this.spec.tokenizer())) {
            throw new DistillationException(jobId, "teacher.tokenizer: " + this.spec.tokenizer() + " is not a file",
                    null);
        }
        if (context.transfer().examples().stream().anyMatch(TextExample::augmented)) {
            throw new DistillationException(jobId, "augmentation: a teacher of precomputed logits ("
                    + this.spec.file() + ") has no outputs for augmented texts; turn augmentation off", null);
        }
        int[] columns = columns(context);
        Map<String, TextDataset> splits = new LinkedHashMap<>();
        splits.put("train", context.transfer());
        splits.put("validation", context.validation());
        context.test().ifPresent(test -> splits.put("test", test));
        SoftTargetPrecision precision = context.spec().softTargetPrecision();

        Map<String, CacheKey> keys = new LinkedHashMap<>();
        Map<String, TeacherStage.SplitTargets> hits = new LinkedHashMap<>();
        for (Map.Entry<String, TextDataset> split : splits.entrySet()) {
            CacheKey key = key(split.getKey(), split.getValue(), columns.length);
            keys.put(split.getKey(), key);
            CacheLookup lookup = context.cache().lookup(key);
            if (lookup.isHit()) {
                try (SoftTargets targets = lookup.targets().orElseThrow()) {
                    hits.put(split.getKey(), new TeacherStage.SplitTargets(split.getKey(), key, true, targets.rows(),
                            targets.width(), lookup.path()));
                }
            }
        }
        List<TeacherStage.SplitTargets> results = new ArrayList<>();
        Map<String, Map<Long, float[]>> rows = hits.size() == splits.size() ? Map.of()
                : LogitsFile.read(this.spec.file(), expectedLines(context), columns, jobId);
        long total = splits.entrySet().stream().filter(s -> !hits.containsKey(s.getKey()))
                .mapToLong(s -> s.getValue().size()).sum();
        long done = 0;
        for (Map.Entry<String, TextDataset> split : splits.entrySet()) {
            TeacherStage.SplitTargets hit = hits.get(split.getKey());
            if (hit != null) {
                results.add(hit);
                continue;
            }
            results.add(write(split.getKey(), split.getValue(), keys.get(split.getKey()), rows.get(
                    fileOf(split.getKey(), context)), columns.length, precision, context, done, total));
            done += split.getValue().size();
        }
        context.progress().milestone(done, total, 1, Map.of("teacher_models_loaded", 0.0), String.format(Locale.ROOT,
                "teacher %s: %s, %d rows; no model loaded", this.spec.name(), total == 0 ? "every split from the cache"
                        : "precomputed logits read", done));
        return new TeacherOutcome(this.spec.name(), this.spec.tokenizer(), results, Optional.empty(),
                MemoryMode.STAGED, Optional.empty(), context.cache());
    }

    private TeacherStage.SplitTargets write(String name, TextDataset data, CacheKey key, Map<Long, float[]> rows,
            int width, SoftTargetPrecision precision, TeacherContext context, long doneBefore, long total) {
        List<TextExample> examples = data.examples();
        try (SoftTargetWriter writer = context.cache().create(key, examples.size(), width, precision)) {
            for (int start = 0; start < examples.size(); start += CHUNK) {
                if (context.cancelled().getAsBoolean()) {
                    throw new DistillationCancelledException(context.jobId(), "Cancelled in the teacher stage, split "
                            + name + " at row " + start + " of " + examples.size());
                }
                int end = Math.min(examples.size(), start + CHUNK);
                float[][] chunk = new float[end - start][];
                for (int i = start; i < end; i++) {
                    chunk[i - start] = rows.get(examples.get(i).line());
                }
                writer.append(chunk);
                context.progress().update(doneBefore + end, total, total == 0 ? 1 : (double) (doneBefore + end) / total,
                        Map.of(), "teacher: " + name + " " + end + " of " + examples.size() + " rows");
            }
            Path path = writer.commit();
            return new TeacherStage.SplitTargets(name, key, false, writer.rows(), writer.width(), path);
        }
    }

    /** For each column of the file, the index of its label in the data's label order. */
    private int[] columns(TeacherContext context) {
        List<String> data = context.labels();
        List<String> given = this.spec.labels().isEmpty() ? data : this.spec.labels();
        if (given.size() != data.size() || !new HashSet<>(given).equals(new HashSet<>(data))) {
            throw new DistillationException(context.jobId(), "teacher.labels " + given + " are not the data's labels "
                    + data + "; give one label per column of " + this.spec.file(), null);
        }
        int[] columns = new int[given.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = data.indexOf(given.get(i));
        }
        return columns;
    }

    /** The data file a split's rows come from: validation is drawn from the train file unless a file is given. */
    private static String fileOf(String split, TeacherContext context) {
        return split.equals("validation") && context.spec().data().validation().isEmpty() ? "train" : split;
    }

    private static Map<String, Set<Long>> expectedLines(TeacherContext context) {
        Map<String, Set<Long>> lines = new LinkedHashMap<>();
        Map<String, TextDataset> splits = new LinkedHashMap<>();
        splits.put("train", context.transfer());
        splits.put("validation", context.validation());
        context.test().ifPresent(test -> splits.put("test", test));
        splits.forEach((split, data) -> {
            Set<Long> set = lines.computeIfAbsent(fileOf(split, context), f -> new HashSet<>());
            data.examples().forEach(example -> set.add(example.line()));
        });
        return lines;
    }

    private CacheKey key(String split, TextDataset data, int width) {
        List<String> rows = new ArrayList<>(data.size());
        for (TextExample example : data.examples()) {
            rows.add(example.line() + "\t" + example.text());
        }
        return CacheKey.builder().teacher(this.spec.file()).tokenizer(this.spec.tokenizer()).data(rows)
                .preprocessing("split", split)
                .preprocessing("output", "precomputed-logits:" + width)
                .preprocessing("labels", String.join("\u001f", this.spec.labels()))
                .build();
    }
}
