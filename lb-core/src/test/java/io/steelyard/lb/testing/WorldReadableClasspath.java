package io.steelyard.lb.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A copy of this JVM's class path in a temporary directory that every user may read, for test
 * mains run as another user: the originals may lie where only root can go (Maven's repository
 * under {@code /root/.m2}, {@code /root} being mode 700). Jars are copied, class directories
 * copied whole; directories get mode 755, files 644. {@link #close()} deletes the copy. Nothing
 * in the repository or the Maven repository is touched.
 */
public final class WorldReadableClasspath implements AutoCloseable {
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");

  private final Path root;
  private final String classpath;

  private WorldReadableClasspath(Path root, String classpath) {
    this.root = root;
    this.classpath = classpath;
  }

  /**
   * Copies the entries of {@code java.class.path} that exist into a new directory under {@code
   * java.io.tmpdir}; fails if other users could not reach that directory.
   */
  public static WorldReadableClasspath copy() throws IOException {
    Path root = Files.createTempDirectory("steelyard-classpath-");
    try {
      Files.setPosixFilePermissions(root, DIRECTORY);
      for (Path dir = root.getParent(); dir != null; dir = dir.getParent()) {
        if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new IllegalStateException(dir + " (above java.io.tmpdir's " + root + ") is not "
              + "searchable by other users, so a copy of the class path there is no use to them: "
              + "point java.io.tmpdir at a directory such as /tmp");
        }
      }
      List<String> entries = new ArrayList<>();
      int n = 0;
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        Path source = Path.of(entry);
        if (entry.isEmpty() || !Files.exists(source)) {
          continue;
        }
        Path target = root.resolve(n++ + "-" + source.getFileName());
        if (Files.isDirectory(source)) {
          copyTree(source, target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
          Files.setPosixFilePermissions(target, FILE);
        }
        entries.add(target.toString());
      }
      return new WorldReadableClasspath(root, String.join(File.pathSeparator, entries));
    } catch (IOException | RuntimeException e) {
      delete(root);
      throw e;
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    Files.walkFileTree(source, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path copy = target.resolve(source.relativize(dir).toString());
        Files.createDirectories(copy);
        Files.setPosixFilePermissions(copy, DIRECTORY);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path copy = target.resolve(source.relativize(file).toString());
        Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES);
        Files.setPosixFilePermissions(copy, FILE);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** The copy, as a class path. */
  public String classpath() {
    return classpath;
  }

  @Override
  public void close() {
    delete(root);
  }

  private static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
