package io.touchpoints.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code touchpoints config KEY...}: prints resolved settings, one value per line, in the order asked. Scripts
 * ({@code jobs/nightly.sh}) read their settings through it, so they see exactly what the job sees (defaults file,
 * {@code --config}, {@code --conf}, HOCON substitutions) without parsing HOCON themselves. Starts no Spark session.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Print resolved settings (keys relative to touchpoints., e.g. output.path nightly.log_dir), one "
        + "value per line; text values unquoted, others as HOCON. Exit 2 if a key does not exist.")
final class ConfigCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  SessionOptions session = new SessionOptions();

  @Parameters(arity = "1..*", paramLabel = "KEY", description = "Setting to print, e.g. nightly.log_dir.")
  List<String> keys = new ArrayList<>();

  @Override
  public Integer call() {
    session.noteMasterUnused(spec.commandLine());
    JobConfig config = session.resolve(Map.of());
    List<String> lines = new ArrayList<>();
    for (String key : keys) {
      String path = key.startsWith(JobConfig.ROOT + ".") ? key.substring(JobConfig.ROOT.length() + 1) : key;
      ConfigValue value;
      try {
        value = config.raw().getValue(path);
      } catch (ConfigException.Missing | ConfigException.BadPath e) {
        throw new ConfigurationException("no setting " + key + " (keys are relative to touchpoints., e.g. "
            + "output.path)");
      }
      String text = value.valueType() == ConfigValueType.STRING
          ? (String) value.unwrapped()
          : value.render(ConfigRenderOptions.concise());
      if (text.contains("\n")) {
        throw new ConfigurationException("setting " + key + " spans several lines; config prints one line per key");
      }
      lines.add(text);
    }
    // Printed only once every key resolved, so a script never reads a partial answer.
    lines.forEach(System.out::println);
    return 0;
  }
}
