package io.distill4j.pipeline.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An inline SVG line chart of one series over integer x values (epochs): ticked and labelled axes, light
 * grid lines at the y ticks, the line, and a dot per point with its value as a tooltip. Points whose y
 * is not finite are left out. Everything written is escaped; no script, no external reference.
 */
final class SvgLineChart {

    static final int WIDTH = 640;

    static final int HEIGHT = 260;

    private static final int LEFT = 72;

    private static final int RIGHT = 20;

    private static final int TOP = 16;

    private static final int BOTTOM = 48;

    private static final int MAX_Y_TICKS = 6;

    private static final int MAX_X_TICKS = 10;

    private SvgLineChart() {
    }

    /**
     * The chart as an {@code <svg>} element.
     *
     * @param title the chart's accessible title
     * @param xLabel the x axis title
     * @param yLabel the y axis title
     * @param xs the x values, ascending
     * @param ys the y values, one per x; non-finite ones are left out
     * @param format how a y value is written in a tooltip
     */
    static String render(String title, String xLabel, String yLabel, long[] xs, double[] ys, String format) {
        List<Long> keptX = new ArrayList<>();
        List<Double> keptY = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            if (Double.isFinite(ys[i])) {
                keptX.add(xs[i]);
                keptY.add(ys[i]);
            }
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">\n");
        svg.append("<title>").append(Html.escape(title)).append("</title>\n");
        if (keptY.isEmpty()) {
            svg.append(text(WIDTH / 2.0, HEIGHT / 2.0, "middle", "empty", "no values recorded")).append("</svg>\n");
            return svg.toString();
        }
        double minY = keptY.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double maxY = keptY.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        if (minY == maxY) {
            double pad = minY == 0 ? 1 : Math.abs(minY) * 0.1;
            minY -= pad;
            maxY += pad;
        }
        Ticks yTicks = Ticks.nice(minY, maxY, MAX_Y_TICKS);
        long minX = keptX.get(0);
        long maxX = keptX.get(keptX.size() - 1);
        double x0 = minX == maxX ? minX - 0.5 : minX;
        double x1 = minX == maxX ? maxX + 0.5 : maxX;
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double bottom = TOP + plotHeight;
        // Y grid, ticks and labels.
        for (double value : yTicks.values()) {
            double y = TOP + (1 - (value - yTicks.min()) / (yTicks.max() - yTicks.min())) * plotHeight;
            svg.append(line(LEFT, y, WIDTH - RIGHT, y, "grid"));
            svg.append(line(LEFT - 5, y, LEFT, y, "axis"));
            svg.append(text(LEFT - 8, y + 4, "end", "tick", yTicks.label(value)));
        }
        // X ticks and labels at whole epochs.
        long xStep = Math.max(1, (long) Math.ceil(Ticks.niceStep((x1 - x0) / (MAX_X_TICKS - 1))));
        for (long value = (long) Math.ceil(x0 / xStep) * xStep; value <= x1; value += xStep) {
            if (value < x0) {
                continue;
            }
            double x = LEFT + (value - x0) / (x1 - x0) * plotWidth;
            svg.append(line(x, bottom, x, bottom + 5, "axis"));
            svg.append(text(x, bottom + 18, "middle", "tick", Long.toString(value)));
        }
        // Axes and their titles.
        svg.append(line(LEFT, TOP, LEFT, bottom, "axis"));
        svg.append(line(LEFT, bottom, WIDTH - RIGHT, bottom, "axis"));
        svg.append(text(LEFT + plotWidth / 2, HEIGHT - 8, "middle", "label", xLabel));
        svg.append(String.format(Locale.ROOT, "<text class=\"label\" text-anchor=\"middle\" "
                + "transform=\"translate(16 %.1f) rotate(-90)\">%s</text>%n", TOP + plotHeight / 2, Html.escape(yLabel)));
        // The series.
        StringBuilder points = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (int i = 0; i < keptY.size(); i++) {
            long xValue = keptX.get(i);
            double yValue = keptY.get(i);
            double x = LEFT + (xValue - x0) / (x1 - x0) * plotWidth;
            double y = TOP + (1 - (yValue - yTicks.min()) / (yTicks.max() - yTicks.min())) * plotHeight;
            if (i > 0) {
                points.append(' ');
            }
            points.append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            dots.append(String.format(Locale.ROOT, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\">"
                    + "<title>%s %d: %s</title></circle>%n", x, y, Html.escape(xLabel), xValue,
                    Html.escape(String.format(Locale.ROOT, format, yValue))));
        }
        svg.append("<polyline class=\"series\" points=\"").append(points).append("\"/>\n");
        svg.append(dots);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String cssClass) {
        return String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>%n",
                cssClass, x1, y1, x2, y2);
    }

    private static String text(double x, double y, String anchor, String cssClass, String content) {
        return String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n",
                cssClass, x, y, anchor, Html.escape(content));
    }

    /**
     * Axis ticks at "nice" values (1, 2 or 5 times a power of ten), covering a range.
     *
     * @param min the axis start, a multiple of the step at or below the data's minimum
     * @param max the axis end, a multiple of the step at or above the data's maximum
     * @param step the distance between ticks
     */
    record Ticks(double min, double max, double step) {

        /** Ticks for data in {@code [low, high]}, {@code low < high}, about {@code maxTicks} of them. */
        static Ticks nice(double low, double high, int maxTicks) {
            double step = niceStep((high - low) / (maxTicks - 1));
            return new Ticks(Math.floor(low / step) * step, Math.ceil(high / step) * step, step);
        }

        /** The smallest of 1, 2, 5 or 10 times a power of ten that is at least {@code rough}. */
        static double niceStep(double rough) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
            double fraction = rough / magnitude;
            double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
            return nice * magnitude;
        }

        /** The tick values from {@link #min()} to {@link #max()}. */
        List<Double> values() {
            List<Double> values = new ArrayList<>();
            long count = Math.round((this.max - this.min) / this.step);
            for (long i = 0; i <= count; i++) {
                values.add(this.min + i * this.step);
            }
            return values;
        }

        /** A tick value with as many decimals as the step needs. */
        String label(double value) {
            int decimals = (int) Math.max(0, Math.min(8, -Math.floor(Math.log10(this.step))));
            String text = String.format(Locale.ROOT, "%." + decimals + "f", value);
            return text.matches("-0(\\.0*)?") ? text.substring(1) : text;
        }
    }
}
