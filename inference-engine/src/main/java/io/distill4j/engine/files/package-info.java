/**
 * File writes that readers never see half done, and removal of folder trees: {@link
 * io.distill4j.engine.files.AtomicFiles} writes to a temporary file in the target's folder and renames
 * it over the target; {@link io.distill4j.engine.files.FileTrees} deletes a folder and everything
 * under it. Models, manifests, reports and caches are written through them.
 */
package io.distill4j.engine.files;
