/**
 * The {@code calx} command line: one picocli command class per subcommand, registered in
 * {@link dev.calx.solver.Main}; {@link dev.calx.solver.Launcher} is the standalone jar's entry
 * point (Java 8 bytecode that checks the Java version; {@link dev.calx.solver.Relauncher} then relaunches
 * the JVM with the Vector API flags). The commands are a thin layer: each
 * parses options and calls the public API of the library modules, nothing internal.
 * {@link dev.calx.solver.DefaultModel} is API: it gives the small model embedded in this
 * artifact as a Hugging Face directory ({@code DefaultModel.directory()}).
 */
package dev.calx.solver;
