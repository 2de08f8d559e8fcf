package io.touchpoints.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the generator lands. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Write a synthetic event log.")
final class GenerateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 1;
  }
}
