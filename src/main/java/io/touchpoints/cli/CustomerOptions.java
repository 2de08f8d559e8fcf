package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import picocli.CommandLine.Option;

/** The customer attributes file of the commands whose models use it (effects, recommend, run). */
class CustomerOptions {

  @Option(names = "--customers", paramLabel = "PATH",
      description = "Customer attributes: one row per customer_id plus attribute columns (csv, json, parquet or "
          + "delta); covariates of the effects and recommendations (default: touchpoints.input.customers, none).")
  String customers;

  @Option(names = "--customers-mapping", paramLabel = "FILE",
      description = "Mapping of the customers file: format, reader options, renamed columns, declared types "
          + "(default: touchpoints.input.customers_mapping).")
  String mapping;

  JobConfig apply(JobConfig config) {
    JobConfig out = customers == null ? config : config.with("input.customers", customers);
    return mapping == null ? out : out.with("input.customers_mapping", mapping);
  }
}
