/**
 * The performance analyzer: a model measured under load for every candidate serving setting, and the setting to put
 * in its {@code model.json}.
 */
package io.distill4j.engine.analysis;
