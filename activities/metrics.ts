import { Context } from '@temporalio/activity';
import { productMetrics, type ProductMetrics } from '../temporal/product-metrics';

/** The product's metrics, recorded through the running activity's meter (tagged with its task queue and type). */
export function activityMetrics(): ProductMetrics {
  return productMetrics(Context.current().metricMeter);
}
