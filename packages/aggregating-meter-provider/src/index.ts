export { AggregatingMeterProvider, ReaderProducer } from './aggregating-meter-provider.js';
