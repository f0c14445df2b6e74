package io.distill4j.spark;

import io.distill4j.pipeline.cache.TeacherOutputsFormat;
import org.apache.spark.Partitioner;

/**
 * Sends a text's key (64 hex digits) to the partition whose shard it belongs to
 * ({@link TeacherOutputsFormat#shardOf}), so partition {@code i} writes shard {@code i} and a reader finds a
 * text in the shard its key names.
 */
final class ShardPartitioner extends Partitioner {

    private static final long serialVersionUID = 1L;

    private final int shards;

    ShardPartitioner(int shards) {
        this.shards = shards;
    }

    @Override
    public int numPartitions() {
        return this.shards;
    }

    @Override
    public int getPartition(Object key) {
        return TeacherOutputsFormat.shardOf((String) key, this.shards);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ShardPartitioner partitioner && partitioner.shards == this.shards;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(this.shards);
    }
}
