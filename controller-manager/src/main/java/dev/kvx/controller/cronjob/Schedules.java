package dev.kvx.controller.cronjob;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A CronJob's schedule: standard five-field cron syntax and the {@code @hourly}-style macros
 * (parsed by cron-utils' UNIX definition), evaluated in {@code spec.timeZone} or, without one, in
 * the controller manager's zone as upstream does. Pure.
 */
final class Schedules {
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> MACROS = Map.of(
      "@yearly", "0 0 1 1 *",
      "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0",
      "@daily", "0 0 * * *",
      "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");

  private final ExecutionTime execution;
  private final ZoneId zone;

  private Schedules(ExecutionTime execution, ZoneId zone) {
    this.execution = execution;
    this.zone = zone;
  }

  /**
   * @throws IllegalArgumentException for an unparsable schedule or unknown time zone
   */
  static Schedules parse(String schedule, String timeZone) {
    String expr = schedule.strip();
    expr = MACROS.getOrDefault(expr.toLowerCase(Locale.ROOT), expr);
    Cron cron = PARSER.parse(expr);
    ZoneId zone = timeZone == null || timeZone.isEmpty() ? ZoneId.systemDefault() : ZoneId.of(timeZone);
    return new Schedules(ExecutionTime.forCron(cron), zone);
  }

  /** The first scheduled time strictly after {@code t}. */
  Optional<Instant> next(Instant t) {
    return execution.nextExecution(ZonedDateTime.ofInstant(t, zone)).map(ZonedDateTime::toInstant);
  }

  ZoneId zone() {
    return zone;
  }

  /** The latest schedule time in (earliest, now], and how many were missed before it. */
  record Missed(Instant latest, int count) {}

  /** upstream's {@code mostRecentScheduleTime}; stops counting past {@code limit}. */
  Missed mostRecent(Instant earliest, Instant now, int limit) {
    Instant latest = null;
    int count = 0;
    Instant t = earliest;
    while (true) {
      Optional<Instant> n = next(t);
      if (n.isEmpty() || n.get().isAfter(now)) {
        break;
      }
      latest = n.get();
      t = latest;
      if (++count > limit) {
        // Too many missed runs: jump to the last one before now instead of iterating them all.
        Optional<Instant> last = execution.lastExecution(ZonedDateTime.ofInstant(now, zone)).map(ZonedDateTime::toInstant);
        if (last.isPresent() && !last.get().isAfter(now)) {
          latest = last.get();
        }
        break;
      }
    }
    return new Missed(latest, count);
  }
}
