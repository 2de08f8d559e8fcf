package io.touchpoints.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The setting an option overrides (a key under {@code touchpoints}, e.g. {@code model.top_k}). A command's options so
 * marked, its mixins' included, go on top of the resolved configuration when given; a flag only turns a setting on.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface SettingKey {
  String value();
}
