// public API of @homelab/dashboard-metrics
export * from './host-sample.js';
export * from './host-metrics-errors.js';
export { HostMetrics, readingTimeoutMs, type HostMetricsOptions } from './host-metrics.js';
export { HostMetricsService, type HostMetricsServiceOptions } from './host-metrics.service.js';
export { HostSampler, type HostSamplerOptions, type SampleSource } from './sampler/host-sampler.js';
export { HostMetricsCollector, type HostMetricsCollectorOptions } from './collector/host-metrics-collector.js';
export { SampleWriter, type SampleStore, type SampleWriterOptions } from './collector/sample-writer.js';
export type { SampleListener } from './collector/sample-hub.js';
export { HostMetricsRepository, type TimeWindow } from './store/host-metrics.repository.js';
export { HostMetricsDownsampler, type DownsampleResult, type DownsamplerOptions } from './store/downsampler.js';
export { DownsampleJob, DOWNSAMPLE_LEASE, type DownsampleJobOptions, type DownsampleOutcome } from './store/downsample-job.js';
export { planHistory, rawResolutionSeconds, isHistoryRange, type HistoryPlan } from './history/history-plan.js';
export { parseHistoryQuery, parseHostQuery } from './history/host-metrics-query.js';
export { SampleEventStreams, type SampleEventStreamsOptions, type PresetHeaders } from './stream/sample-event-streams.js';
