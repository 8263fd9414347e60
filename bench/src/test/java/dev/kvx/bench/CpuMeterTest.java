package dev.kvx.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

  @Test
  void readsUserAndSystemTicksAfterAThreadNameWithSpacesAndParentheses() {
    String stat =
        "4242 (C2 Compiler) x)) S 1 4200 4200 0 -1 4194368 1532 0 0 0 731 89 0 0 20 0 1 0 300 0 0";

    assertThat(CpuMeter.userAndSystemTicks(stat)).isEqualTo(731 + 89);
  }

  @Test
  void measuresCpuSpentByThisJvm() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    CpuMeter.Span span = CpuMeter.jvm().start();
    // Spin until this thread alone has used 200 ms of CPU, however busy the machine is.
    long until = threads.getCurrentThreadCpuTime() + 200_000_000L;
    long x = 0;
    while (threads.getCurrentThreadCpuTime() < until) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    CpuMeter.Used used = span.stop();

    assertThat(x).isNotNegative();
    assertThat(used.jvmNanos()).isGreaterThanOrEqualTo(150_000_000L); // 10 ms accounting ticks
    assertThat(used.otherNanos()).isZero();
  }
}
