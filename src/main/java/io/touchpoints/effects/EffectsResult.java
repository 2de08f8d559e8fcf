package io.touchpoints.effects;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link TouchpointEffects#compute} returns: the table and the counts behind its summary line.
 *
 * @param effects the {@code touchpoint_effects} rows (columns {@link EffectColumns})
 * @param journeys journeys in the input
 * @param pastDataEnd journeys left out: their horizon runs past the data's end
 * @param churnUnknown journeys used whose churn outcome is not known yet (left out of the churn rows)
 * @param estimated (touchpoint, outcome) rows with an effect
 * @param skipped rows without one (see their note)
 */
record EffectsResult(Dataset<Row> effects, long journeys, long pastDataEnd, long churnUnknown, int estimated,
    int skipped) {

  /** The stage's summary line. */
  public String summary() {
    return String.format(Locale.ROOT,
        "%d effects estimated, %d skipped (see note); %,d journeys, %,d left out (horizon past the data's end), "
            + "%,d with churn not yet known", estimated, skipped, journeys, pastDataEnd, churnUnknown);
  }
}
