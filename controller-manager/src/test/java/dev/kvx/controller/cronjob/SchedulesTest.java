package dev.kvx.controller.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SchedulesTest {

  @ParameterizedTest(name = "{0} in {1} after {2}")
  @CsvSource({
    "*/15 * * * *, UTC, 2026-01-01T10:07:00Z, 2026-01-01T10:15:00Z",
    "@hourly, UTC, 2026-01-01T10:07:00Z, 2026-01-01T11:00:00Z",
    "@daily, UTC, 2026-01-01T10:07:00Z, 2026-01-02T00:00:00Z",
    "@weekly, UTC, 2026-01-01T10:07:00Z, 2026-01-04T00:00:00Z", // a Sunday
    "0 9 * * 1-5, Europe/Paris, 2026-01-01T10:07:00Z, 2026-01-02T08:00:00Z", // 09:00 CET
    "30 2 1 * *, America/New_York, 2026-01-01T10:07:00Z, 2026-02-01T07:30:00Z",
  })
  void nextRunTimes(String schedule, String zone, String after, String want) {
    assertThat(Schedules.parse(schedule, zone).next(Instant.parse(after))).contains(Instant.parse(want));
  }

  @Test
  void mostRecentMissedTimeAndCount() {
    Schedules every5 = Schedules.parse("*/5 * * * *", "UTC");
    Schedules.Missed m = every5.mostRecent(Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:17:00Z"), 100);
    assertThat(m.latest()).isEqualTo(Instant.parse("2026-01-01T10:15:00Z"));
    assertThat(m.count()).isEqualTo(3);
    Schedules.Missed none = every5.mostRecent(Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:04:59Z"), 100);
    assertThat(none.latest()).isNull();
    Schedules.Missed many = Schedules.parse("* * * * *", "UTC").mostRecent(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:30Z"), 100);
    assertThat(many.count()).isGreaterThan(100);
    assertThat(many.latest()).isEqualTo(Instant.parse("2026-01-02T00:00:00Z"));
  }

  @Test
  void rejectsBadSchedulesAndZones() {
    assertThatThrownBy(() -> Schedules.parse("61 * * * *", "UTC")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Schedules.parse("* * * * *", "Mars/Olympus")).isInstanceOf(RuntimeException.class);
  }
}
