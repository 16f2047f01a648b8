import { describe, expect, it } from 'vitest';
import { stagePrometheus } from '../src/run-server-series.ts';

describe('Finding the Prometheus of a stage', () => {
  it.each([1, 2, 3])(
    'When stage %i runs natively, then the bench reads the Prometheus its compose file publishes',
    (stage) => {
      expect(stagePrometheus(stage)?.url).toBe('http://127.0.0.1:9090');
    },
  );
});
