package io.distill4j.api.distill;

/**
 * How double quotes in a CSV or TSV file are read ({@link DataSpec#quoting()}; {@code data.quoting} in
 * a spec file). JSON Lines has its own string syntax and ignores this setting.
 *
 * <pre>{@code
 * DataSpec reviews = DataSpec.tsv(Path.of("reviews.tsv")).quoting(Quoting.NONE); // quotes are text
 * }</pre>
 */
public enum Quoting {

    /**
     * RFC 4180 where the file follows it, else literal: a CSV file is always read as {@link #RFC_4180};
     * a TSV file is read as {@link #RFC_4180} unless a record breaks its rules (a quoted field with text
     * after its closing quote, a quote that is never closed), and then the whole file is read again as
     * {@link #NONE} and the data report says so. The default.
     */
    AUTO,

    /**
     * A field in double quotes may hold the delimiter, line breaks and doubled quotes ({@code ""}); a
     * record that breaks these rules fails the read, naming its line.
     */
    RFC_4180,

    /**
     * A double quote is an ordinary character: every tab (or comma) ends a field and every line break ends
     * a record, as in a plain tab-separated export ({@code write.table(quote = FALSE)}, {@code cut}).
     */
    NONE
}
