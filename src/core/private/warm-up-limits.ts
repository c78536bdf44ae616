// CloudWatch's limits on alarm warm-up (WarmUpConfiguration.WarmUpPeriodDurationInMinutes):
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_WarmUpConfiguration.html

/** The shortest warm-up CloudWatch accepts, in minutes. */
export const MIN_WARM_UP_MINUTES = 1;
/** The longest warm-up CloudWatch accepts, in minutes: 2 days. */
export const MAX_WARM_UP_MINUTES = 2880;
