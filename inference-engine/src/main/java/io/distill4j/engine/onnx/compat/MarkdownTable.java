package io.distill4j.engine.onnx.compat;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table in Markdown syntax whose columns are padded to their widest cell, so it reads
 * well in a terminal and renders as a table in Markdown. Cells are single-line: line breaks become
 * spaces and {@code |} is escaped.
 */
final class MarkdownTable {

    private final List<String[]> rows = new ArrayList<>();

    private final boolean[] rightAligned;

    /**
     * @param header the column titles
     * @param rightAligned which columns hold numbers and are right-aligned
     */
    MarkdownTable(String[] header, boolean... rightAligned) {
        if (rightAligned.length != header.length) {
            throw new IllegalArgumentException("One alignment per column is needed");
        }
        this.rightAligned = rightAligned.clone();
        this.rows.add(header.clone());
    }

    /** Adds a row with one cell per column. */
    MarkdownTable row(String... cells) {
        if (cells.length != this.rightAligned.length) {
            throw new IllegalArgumentException("Expected " + this.rightAligned.length + " cells, got " + cells.length);
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i].replaceAll("\\s*\\R\\s*", " ").replace("|", "\\|");
        }
        this.rows.add(row);
        return this;
    }

    /** Whether only the header row is there. */
    boolean isEmpty() {
        return this.rows.size() == 1;
    }

    /** Appends the table, one line per row and a line under the header, to {@code out}. */
    void appendTo(StringBuilder out) {
        int columns = this.rightAligned.length;
        int[] widths = new int[columns];
        for (String[] row : this.rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < this.rows.size(); r++) {
            String[] row = this.rows.get(r);
            out.append('|');
            for (int i = 0; i < columns; i++) {
                String cell = row[i];
                String pad = " ".repeat(widths[i] - cell.length());
                out.append(' ').append(this.rightAligned[i] && r > 0 ? pad + cell : cell + pad).append(" |");
            }
            out.append('\n');
            if (r == 0) {
                out.append('|');
                for (int i = 0; i < columns; i++) {
                    out.append(this.rightAligned[i] ? "-".repeat(widths[i] + 1) + ":|" : "-".repeat(widths[i] + 2) + "|");
                }
                out.append('\n');
            }
        }
    }
}
