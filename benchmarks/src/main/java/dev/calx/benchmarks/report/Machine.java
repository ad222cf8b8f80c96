package dev.calx.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/** The facts every figure states: CPU model and cores, memory, JDK, and the date (UTC). */
public record Machine(String cpu, int cores, long memoryBytes, String jdk, String date) {

    public static Machine detect() {
        String cpu = lscpuModel();
        long mem = 0;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) mem = Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: memory unknown
        }
        String jdk = System.getProperty("java.vm.name") + " " + Runtime.version();
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), mem, jdk, date);
    }

    /** "Model name" from lscpu, else /proc/cpuinfo's model name, else os.arch. */
    static String lscpuModel() {
        try {
            Process p = new ProcessBuilder("lscpu").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            for (String l : out.split("\n")) if (l.startsWith("Model name:")) return l.substring(11).strip();
        } catch (IOException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through
        }
        return System.getProperty("os.arch");
    }

    /** One line for figure captions, e.g. "AMD EPYC, 2 cores, 23.4 GiB; OpenJDK 64-Bit Server VM 25+36; 2026-11-22 01:00 UTC". */
    public String describe() {
        return String.format("%s, %d cores, %.1f GiB; %s; %s", cpu, cores, memoryBytes / (double) (1L << 30), jdk, date);
    }
}
