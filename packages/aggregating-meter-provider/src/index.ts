export { RECORD_BATCH } from './aggregating-instruments.js';
export { AggregatingMeterProvider, ReaderProducer } from './aggregating-meter-provider.js';
