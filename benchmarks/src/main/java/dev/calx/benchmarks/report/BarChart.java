package dev.calx.benchmarks.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A grouped bar chart written as PNG with java.awt (headless, no plotting dependency): one
 * group per x label, one coloured bar per series, the value printed on each bar, and footer
 * lines under the plot that state how the numbers were produced. Missing values (NaN) leave a
 * gap marked "n/a".
 */
public record BarChart(String title, String yLabel, List<String> groups, List<String> series, double[][] values,
                       List<String> footer) {

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};
    static final int WIDTH = 1100, PLOT_HEIGHT = 460;

    public BarChart {
        if (values.length != groups.size()) throw new IllegalArgumentException("values has " + values.length + " groups, expected " + groups.size());
        for (double[] v : values) {
            if (v.length != series.size()) throw new IllegalArgumentException("a group has " + v.length + " values, expected " + series.size());
        }
    }

    /** Renders to a temporary file, then renames it onto target. */
    public void write(Path target) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = render();
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", png)) throw new IOException("no PNG writer available");
        dev.calx.llama.format.TempFiles.writeAtomically(target, png.toByteArray());
    }

    BufferedImage render() {
        int legendRows = (series.size() + 2) / 3;
        int top = 50 + legendRows * 20, left = 90, right = 30, xLabels = 50;
        int height = top + PLOT_HEIGHT + xLabels + 18 * footer.size() + 20;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, left, 28);

        // legend, three per row
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int s = 0; s < series.size(); s++) {
            int x = left + (s % 3) * 330, y = 44 + (s / 3) * 20;
            g.setColor(PALETTE[s % PALETTE.length]);
            g.fillRect(x, y - 11, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(fit(g, series.get(s), 305), x + 20, y + 1);
        }

        double max = 0;
        for (double[] v : values) for (double x : v) if (Double.isFinite(x)) max = Math.max(max, x);
        double step = niceStep(max <= 0 ? 1 : max / 5), yMax = Math.ceil((max <= 0 ? 1 : max) * 1.08 / step) * step;
        int plotW = WIDTH - left - right, bottom = top + PLOT_HEIGHT;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (double y = 0; y <= yMax + step / 2; y += step) {
            int py = bottom - (int) Math.round(y / yMax * PLOT_HEIGHT);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(left, py, left + plotW, py);
            g.setColor(Color.DARK_GRAY);
            String label = format(y);
            g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), py + 4);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(left, bottom, left + plotW, bottom);
        g.drawLine(left, top, left, bottom);
        Graphics2D rot = (Graphics2D) g.create();
        rot.rotate(-Math.PI / 2);
        rot.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        rot.drawString(yLabel, -(top + PLOT_HEIGHT / 2 + rot.getFontMetrics().stringWidth(yLabel) / 2), 22);
        rot.dispose();

        int groupW = plotW / Math.max(1, groups.size());
        int barW = Math.max(4, Math.min(70, (int) (groupW * 0.8 / Math.max(1, series.size()))));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int gi = 0; gi < groups.size(); gi++) {
            int gx = left + gi * groupW, x0 = gx + (groupW - barW * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                double v = values[gi][s];
                int x = x0 + s * barW;
                g.setColor(Color.GRAY);
                if (!Double.isFinite(v)) {
                    drawCentered(g, "n/a", x + barW / 2, bottom - 4);
                    continue;
                }
                int h = (int) Math.round(v / yMax * PLOT_HEIGHT);
                g.setColor(PALETTE[s % PALETTE.length]);
                g.fillRect(x + 1, bottom - h, barW - 2, h);
                g.setColor(Color.BLACK);
                drawCentered(g, format(v), x + barW / 2, bottom - h - 3);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(Color.BLACK);
            drawCentered(g, fit(g, groups.get(gi), groupW - 6), gx + groupW / 2, bottom + 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        int fy = bottom + xLabels + 4;
        for (String line : footer) {
            g.drawString(fit(g, line, WIDTH - 20), 10, fy);
            fy += 18;
        }
        g.dispose();
        return img;
    }

    private static void drawCentered(Graphics2D g, String s, int cx, int y) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, y);
    }

    private static String fit(Graphics2D g, String s, int width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(s) <= width) return s;
        while (s.length() > 1 && fm.stringWidth(s + "…") > width) s = s.substring(0, s.length() - 1);
        return s + "…";
    }

    /** 1, 2 or 5 times a power of ten, at least raw. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[]{1, 2, 5, 10}) if (m * p >= raw) return m * p;
        return 10 * p;
    }

    /** Three significant digits, no exponent for the ranges benchmarks produce. */
    static String format(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1000) return String.format("%,.0f", v);
        if (a >= 100) return String.format("%.0f", v);
        if (a >= 10) return String.format("%.1f", v);
        if (a >= 1) return String.format("%.2f", v);
        return String.format("%.3g", v);
    }
}
