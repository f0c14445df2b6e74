/**
 * The platform server the README starts, and usage examples. Until the gRPC server and the Spring
 * starter exist (wave 1, step 4), {@link io.distill4j.samples.PlatformServer} runs the in-process
 * engine on a model repository and answers text typed on standard input.
 */
package io.distill4j.samples;
