/**
 * Content digests: SHA-256 of bytes, of text as UTF-8 and of files read as a stream, always written as
 * 64 lower-case hex digits ({@link io.distill4j.engine.digest.Sha256}). Cache keys, checkpoint
 * fingerprints and model provenance use it, so the same content gets the same name everywhere.
 */
package io.distill4j.engine.digest;
