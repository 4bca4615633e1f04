package io.steelyard.lb.testing;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs code in a network namespace from inside this JVM: a fresh thread enters it with {@code
 * setns(2)} and calls the code. Sockets it opens, threads it starts and processes it runs belong to
 * that namespace, so one JVM can play several routers.
 */
public final class InNamespace {
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;

  private interface Ns extends Library {
    Ns INSTANCE = Native.load("c", Ns.class);

    int open(String path, int flags) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private InNamespace() {}

  /** Calls {@code code} on a new thread inside {@code ns}, waiting at most 30 seconds. */
  public static <T> T call(NetworkNamespace ns, Callable<T> code) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        int fd = Ns.INSTANCE.open("/var/run/netns/" + ns.name(), O_RDONLY | O_CLOEXEC);
        try {
          Ns.INSTANCE.setns(fd, CLONE_NEWNET);
        } finally {
          Ns.INSTANCE.close(fd);
        }
        result.complete(code.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }, "in-" + ns.name());
    thread.start();
    try {
      return result.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
