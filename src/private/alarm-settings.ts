/** The thresholds and evaluations of the alarms, in one place; the README's alarm table repeats them. */
export const ALARM_SETTINGS = {
  /** Target 5xx rate: percent of requests, per minute, 3 of 5 minutes, counted only above the request floor. */
  errorRatePercent: 5,
  /** Requests per minute below which a minute counts as fine whatever its errors or latency: one error at night does not page. */
  requestFloorPerMinute: 10,
  /** ALB-generated 5xx (no target, target reset, timeout): responses in 5 minutes. */
  loadBalancerErrors: 10,
  /** CPU (average) and memory (the fullest task) of a service, percent, 3 periods of 5 minutes. */
  serviceCpuPercent: 90,
  serviceMemoryPercent: 90,
  databaseCpuPercent: 90,
  /** Free storage below this share of the initial allocation; autoscaling acts at 10 % of the current size first. */
  databaseFreeStorageShare: 0.1,
  /** Freeable memory, bytes: the instance is about to swap. */
  databaseFreeableMemoryBytes: 128 * 1024 * 1024,
  /** Cache data, share of `cacheMaxDataStorageGiB`. */
  cacheDataShare: 0.8,
  /** Cache ECPUs per 5 minutes: 10,000 ECPU/s sustained. */
  cacheProcessingUnitsPer5Minutes: 3_000_000,
  /** CloudFront 5xx rate, percent, per 5 minutes, counted above this many requests per 5 minutes. */
  cloudFrontErrorRatePercent: 5,
  cloudFrontRequestFloorPer5Minutes: 50,
} as const;
