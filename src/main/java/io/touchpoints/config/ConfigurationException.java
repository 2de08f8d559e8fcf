package io.touchpoints.config;

/** A setting or option with a bad value; the message names the key and the value. Exit code 2. */
public class ConfigurationException extends IllegalArgumentException {
  public ConfigurationException(String message) {
    super(message);
  }
}
