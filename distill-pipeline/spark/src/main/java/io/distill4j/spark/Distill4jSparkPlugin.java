package io.distill4j.spark;

import java.util.Map;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Closes an executor's engines when the executor stops. Enabled with
 * {@code spark.plugins=io.distill4j.spark.Distill4jSparkPlugin} (the {@code spark-submit} entry point sets it);
 * without it the engines are closed when their tasks have ended or, at the latest, when the JVM exits.
 */
public final class Distill4jSparkPlugin implements SparkPlugin {

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(org.apache.spark.api.plugin.PluginContext context, Map<String, String> extraConf) {
            }

            @Override
            public void shutdown() {
                ExecutorEngines.closeAll();
            }
        };
    }
}
