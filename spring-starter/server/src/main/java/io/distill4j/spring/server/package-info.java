/**
 * The server starter: what an application adds to serve Distill4j's protocols (see {@link Distill4jServer}).
 */
package io.distill4j.spring.server;
