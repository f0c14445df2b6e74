/**
 * The teacher pass and batch scoring on Apache Spark.
 */
package io.distill4j.spark;
