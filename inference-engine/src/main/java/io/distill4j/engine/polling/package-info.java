/**
 * Polling of the model repository, like Triton's poll mode: a
 * {@link io.distill4j.engine.polling.RepositoryPoller} looks at the repository at a fixed interval and
 * brings the engine in line with it: a new complete version is loaded and hot-swapped to, a new model
 * folder is loaded when {@link io.distill4j.engine.polling.RepositoryPollingConfig#newModels()} accepts
 * its name, a removed version is swapped away from (or its model unloaded). A version folder counts only
 * once its {@code model.json} exists ({@link io.distill4j.engine.repository.ModelRepository#isComplete}).
 * The decisions are made on one thread from a scan of the disk and a look at the engine, both injectable,
 * so the rules are tested without a clock or a sleep.
 */
package io.distill4j.engine.polling;
