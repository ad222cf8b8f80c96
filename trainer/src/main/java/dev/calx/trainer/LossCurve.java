package dev.calx.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calx.decode.eval.Utf8Lines;
import dev.calx.llama.format.StrictJson;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Draws the training (blue) and validation (orange) loss from the metrics log as a PNG. */
final class LossCurve {
    private LossCurve() { }

    /**
     * Draws the curve.
     *
     * @param png     the picture to write
     * @param metrics the metrics log (nothing is drawn when it does not exist or has no rows)
     * @throws IOException when the log holds a row before its last that is not JSON with a
     *                     numeric step and loss (the message names the file and line), or the
     *                     picture cannot be written
     */
    static void write(Path png, Path metrics) throws IOException {
        if (!Files.exists(metrics)) return;
        ObjectMapper json = StrictJson.mapper();
        List<double[]> train = new ArrayList<>(), val = new ArrayList<>();
        // a row without its numbers is an error naming the file and line (a torn last row is skipped)
        for (JsonNode n : Utf8Lines.readLog(metrics, "a metrics row", line -> {
            JsonNode r = json.readTree(line);
            if (r == null || !r.path("step").isNumber() || !r.path("loss").isNumber()) throw new IOException("no numeric \"step\" and \"loss\"");
            return r;
        }).values()) {
            train.add(new double[]{n.get("step").asDouble(), n.get("loss").asDouble()});
            if (n.path("val_loss").isNumber()) val.add(new double[]{n.get("step").asDouble(), n.get("val_loss").asDouble()});
        }
        if (train.isEmpty()) return;
        int w = 800, h = 400, pad = 40;
        double maxX = train.getLast()[0], maxY = 0;
        for (double[] p : train) maxY = Math.max(maxY, p[1]);
        for (double[] p : val) maxY = Math.max(maxY, p[1]);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.GRAY);
        g.drawRect(pad, pad, w - 2 * pad, h - 2 * pad);
        g.drawString(String.format("loss (max %.3f) over %d steps", maxY, (long) maxX), pad, pad - 10);
        g.setStroke(new BasicStroke(1.5f));
        draw(g, train, new Color(31, 119, 180), maxX, maxY, w, h, pad);
        draw(g, val, new Color(255, 127, 14), maxX, maxY, w, h, pad);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        dev.calx.trainer.io.AtomicFiles.write(png, bytes.toByteArray());
    }

    private static void draw(Graphics2D g, List<double[]> pts, Color c, double maxX, double maxY, int w, int h, int pad) {
        g.setColor(c);
        int px = -1, py = -1;
        for (double[] p : pts) {
            int x = pad + (int) ((w - 2 * pad) * (maxX <= 1 ? 1 : (p[0] - 1) / (maxX - 1)));
            int y = h - pad - (int) ((h - 2 * pad) * (maxY <= 0 ? 0 : p[1] / maxY));
            if (px >= 0) g.drawLine(px, py, x, y);
            px = x;
            py = y;
        }
    }
}
